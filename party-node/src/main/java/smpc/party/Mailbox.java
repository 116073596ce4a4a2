package smpc.party;

import static smpc.core.Errors.exists;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages from peers, keyed by (session, sender, step). A message may arrive before this party has
 * started the session, so slots exist independently of sessions; they are dropped when the session
 * ends, or after a grace period for sessions that never start here.
 */
final class Mailbox {
  private static final ByteString CONSUMED = ByteString.EMPTY;
  private static final long ORPHAN_MS = 120_000;
  private static final long ENDED_MS = 600_000;

  private record Key(ByteString session, String from, String tag) {}

  private record Slot(CompletableFuture<ByteString> message, long created) {}

  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
  private final Map<ByteString, Long> ended = new ConcurrentHashMap<>(); // id -> forget after
  private final AtomicLong buffered = new AtomicLong();
  private final long maxBuffered;

  Mailbox(long maxBufferedBytes) {
    this.maxBuffered = maxBufferedBytes;
  }

  private Slot slot(Key k) {
    return slots.computeIfAbsent(k, x -> new Slot(new CompletableFuture<>(), System.currentTimeMillis()));
  }

  /** Reserves room for an incoming message of {@code bytes} bytes, or refuses it. */
  void reserve(ByteString session, long bytes) {
    if (ended.containsKey(session)) throw precondition("session %s is over", Session.shortId(session));
    if (buffered.addAndGet(bytes) > maxBuffered) {
      buffered.addAndGet(-bytes);
      throw Status.RESOURCE_EXHAUSTED.withDescription("party message buffer full; retry later").asRuntimeException();
    }
  }

  void release(long bytes) {
    buffered.addAndGet(-bytes);
  }

  /** Files a complete message (its bytes were reserved). A second message for the same step is refused. */
  void deliver(ByteString session, String from, String tag, ByteString payload) {
    if (ended.containsKey(session)) {
      release(payload.size());
      throw precondition("session %s is over", Session.shortId(session));
    }
    if (!slot(new Key(session, from, tag)).message().complete(payload)) {
      release(payload.size());
      throw exists("duplicate message %s from %s in session %s", tag, from, Session.shortId(session));
    }
  }

  /** Waits for a message until the session's deadline or failure. */
  ByteString take(Session s, String from, String tag) {
    Key k = new Key(s.id, from, tag);
    ByteString m = s.await(slot(k).message(), "party " + from + " (step " + tag + ")");
    slots.put(k, new Slot(CompletableFuture.completedFuture(CONSUMED), System.currentTimeMillis()));
    release(m.size());
    return m;
  }

  /** The message if it is already here (and not yet taken), else null; creates no slot. */
  ByteString peek(ByteString session, String from, String tag) {
    Slot s = slots.get(new Key(session, from, tag));
    return s == null ? null : s.message().getNow(null);
  }

  /** Marks a session over and drops everything buffered for it. */
  void end(ByteString session) {
    end(session, 0);
  }

  /**
   * Marks a session over, remembered at least until {@code deadline} (a session that ran here is never run again
   * while its deadline allows: its dealer seed is derived from its id and deadline, smpc.core.protocol.SessionSeeds).
   */
  void end(ByteString session, long deadline) {
    ended.merge(session, Math.max(System.currentTimeMillis() + ENDED_MS, deadline), Math::max); // never shortened
    drop(k -> k.session().equals(session));
  }

  /** Until when an ended session is refused (0 when it is not ended). */
  long endedUntil(ByteString session) {
    return ended.getOrDefault(session, 0L);
  }

  boolean isEnded(ByteString session) {
    return ended.containsKey(session);
  }

  /** Drops messages of sessions that never started here and forgets long-ended sessions. */
  void sweep(java.util.function.Predicate<ByteString> active) {
    long now = System.currentTimeMillis();
    ended.values().removeIf(t -> t < now);
    slots.entrySet().removeIf(e -> {
      boolean old = e.getValue().created() < now - ORPHAN_MS && !active.test(e.getKey().session());
      if (old) releaseSlot(e.getValue());
      return old;
    });
  }

  private void drop(java.util.function.Predicate<Key> which) {
    slots.entrySet().removeIf(e -> {
      if (!which.test(e.getKey())) return false;
      releaseSlot(e.getValue());
      return true;
    });
  }

  private void releaseSlot(Slot s) {
    ByteString m = s.message().getNow(null);
    if (m != null) release(m.size());
  }

  long bufferedBytes() {
    return buffered.get();
  }

  int slotCount() {
    return slots.size();
  }
}
