package smpc.party;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Clients' aborts of sessions not running here yet: honoured only when the same principal starts it. The coordinator
 * sends its Aborts and Execute calls at once, so an Abort may arrive before the session it ends. Any client may send
 * Aborts of ids that never run, so what is kept is bounded per principal and expires in the order it came (every
 * entry waits as long): each call costs a constant time however many are kept (a scan of all of them per Abort made a
 * flood of made-up ids cost a party seconds of CPU per thousand). Kept per id and principal: another principal that
 * learnt an id cannot push out the requester's own early abort.
 */
final class EarlyAborts {
  /** How long an early abort waits for its session. */
  private static final long WAIT_MS = 600_000;
  /** At most this many kept per principal: beyond, its early aborts are forgotten (its session then runs, as if sent late). */
  private static final int MAX_PER_PRINCIPAL = 10_000;

  private record Key(ByteString id, Authorizer.Principal by) {}

  private record Entry(Key key, long until) {}

  private final Map<Key, Entry> entries = new HashMap<>();
  private final ArrayDeque<Entry> byAge = new ArrayDeque<>(); // oldest first; may hold entries taken since
  private final Map<Authorizer.Principal, Integer> perPrincipal = new HashMap<>();

  /** Remembers {@code by}'s abort of session {@code id}, which has not started here. */
  synchronized void remember(ByteString id, Authorizer.Principal by) {
    long now = System.currentTimeMillis();
    for (Entry e; (e = byAge.peekFirst()) != null && e.until() < now; ) {
      byAge.pollFirst();
      if (entries.get(e.key()) == e) drop(e);
    }
    Key key = new Key(id, by);
    if (entries.containsKey(key) || perPrincipal.getOrDefault(by, 0) >= MAX_PER_PRINCIPAL) return;
    Entry e = new Entry(key, now + WAIT_MS);
    entries.put(key, e);
    byAge.addLast(e);
    perPrincipal.merge(by, 1, Integer::sum);
  }

  /** Whether {@code by} aborted session {@code id} before it started (forgotten now). */
  synchronized boolean take(ByteString id, Authorizer.Principal by) {
    Entry e = entries.get(new Key(id, by));
    if (e == null) return false;
    drop(e);
    return e.until() >= System.currentTimeMillis(); // expired, though not dropped yet: not honoured
  }

  private void drop(Entry e) {
    entries.remove(e.key());
    perPrincipal.computeIfPresent(e.key().by(), (p, n) -> n > 1 ? n - 1 : null);
  }
}
