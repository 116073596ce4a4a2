package smpc.party;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clients' aborts of sessions not running here yet: honoured only when the same principal starts it. The coordinator
 * sends its Aborts and Execute calls at once, so an Abort may arrive before the session it ends.
 */
final class EarlyAborts {
  /** How long an early abort waits for its session. */
  private static final long WAIT_MS = 600_000;
  /** At most this many kept: beyond, a client's early aborts are forgotten (its session then runs, as if sent late). */
  private static final int MAX = 100_000;

  private record Entry(Authorizer.Principal by, long until) {}

  private final Map<ByteString, Entry> entries = new ConcurrentHashMap<>();

  /** Remembers {@code by}'s abort of session {@code id}, which has not started here. */
  void remember(ByteString id, Authorizer.Principal by) {
    long now = System.currentTimeMillis();
    entries.values().removeIf(e -> e.until() < now);
    if (entries.size() < MAX) entries.put(id, new Entry(by, now + WAIT_MS));
  }

  /** Who aborted session {@code id} before it started (forgotten now), or null. */
  Authorizer.Principal take(ByteString id) {
    Entry e = entries.remove(id);
    return e == null ? null : e.by();
  }

  /** Forgets an early abort of {@code id} (its session was ended otherwise). */
  void forget(ByteString id) {
    entries.remove(id);
  }
}
