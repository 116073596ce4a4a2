package smpc.party;

import static smpc.core.Errors.exists;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import smpc.core.protocol.ExpiringIds;

/**
 * Messages from peers, keyed by (session, sender, step). A message may arrive before this party has
 * started the session, so slots exist independently of sessions; they are dropped when the session
 * ends, or after a grace period for sessions that never start here.
 *
 * <p>Every buffered byte has one owner that gives it back exactly once: a message still arriving in chunks
 * ({@link Arriving}), a filed message (its slot), or the session step that took it. When a session ends,
 * everything it holds is given back at once, also a message that is half here (its call is ended with it)
 * and one filed while the session ended: a peer whose session failed may still be sending, and
 * {@code buffered_bytes} must say what is really waiting.
 */
final class Mailbox {
  private static final ByteString CONSUMED = ByteString.EMPTY;
  private static final long ORPHAN_MS = 120_000;
  private static final long ENDED_MS = 600_000;

  private record Key(ByteString session, String from, String tag) {}

  private record Slot(CompletableFuture<ByteString> message, long created, AtomicBoolean released) {
    Slot(CompletableFuture<ByteString> message, long created) {
      this(message, created, new AtomicBoolean());
    }
  }

  /** Bytes reserved for a message arriving in chunks; {@code onDrop} ends its call when the session ends first. */
  final class Arriving {
    private final ByteString session;
    /** The whole message's size. */
    final long bytes;
    private final Runnable onDrop;
    private final AtomicBoolean done = new AtomicBoolean();

    private Arriving(ByteString session, long bytes, Runnable onDrop) {
      this.session = session;
      this.bytes = bytes;
      this.onDrop = onDrop;
    }

    /** Gives the bytes back (the message failed); true the first time only. */
    boolean cancel() {
      if (!done.compareAndSet(false, true)) return false;
      release(bytes);
      forget(this);
      return true;
    }

    private void drop() {
      if (!cancel()) return;
      try {
        onDrop.run();
      } catch (RuntimeException e) { // the session's end goes on: its other messages, its slots, its stream users
        java.util.logging.Logger.getLogger(Mailbox.class.getName()).warning("ending a message's call failed: " + e);
      }
    }
  }

  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
  /** Ended sessions, each until when it is refused: flat arrays, no objects kept 10 minutes (ExpiringIds). */
  private final ExpiringIds ended = new ExpiringIds(Session.ID_BYTES);
  private final Map<ByteString, Set<Arriving>> arriving = new ConcurrentHashMap<>();
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
    if (isEnded(session)) throw precondition("session %s is over", Session.shortId(session));
    if (buffered.addAndGet(bytes) > maxBuffered) {
      buffered.addAndGet(-bytes);
      throw Status.RESOURCE_EXHAUSTED.withDescription("party message buffer full; retry later").asRuntimeException();
    }
  }

  private void release(long bytes) {
    buffered.addAndGet(-bytes);
  }

  /**
   * Reserves room for a message that arrives in chunks, given back by {@link #deliver(Arriving, String, String,
   * ByteString)} or {@link Arriving#cancel}, or by the session's end, which then runs {@code onDrop}.
   */
  Arriving arriving(ByteString session, long bytes, Runnable onDrop) {
    reserve(session, bytes);
    Arriving a = new Arriving(session, bytes, onDrop);
    arriving.compute(session, (k, set) -> { // added within the map's step: a forget() that empties the set cannot lose it
      Set<Arriving> to = set != null ? set : ConcurrentHashMap.newKeySet();
      to.add(a);
      return to;
    });
    if (isEnded(session)) { // it ended meanwhile, perhaps before the set above was there to drop
      a.cancel();
      throw precondition("session %s is over", Session.shortId(session));
    }
    return a;
  }

  private void forget(Arriving a) {
    arriving.computeIfPresent(a.session, (k, set) -> {
      set.remove(a);
      return set.isEmpty() ? null : set;
    });
  }

  /** Files a message that arrived whole; refused (its bytes given back) when its session ended first. */
  void deliver(Arriving a, String from, String tag, ByteString payload) {
    if (!a.done.compareAndSet(false, true)) throw precondition("session %s is over", Session.shortId(a.session));
    forget(a);
    deliver(a.session, from, tag, payload); // the bytes are the slot's now
  }

  /** Files a complete message (its bytes were reserved). A second message for the same step is refused. */
  void deliver(ByteString session, String from, String tag, ByteString payload) {
    if (isEnded(session)) {
      release(payload.size());
      throw precondition("session %s is over", Session.shortId(session));
    }
    Key k = new Key(session, from, tag);
    Slot slot = slot(k);
    if (!slot.message().complete(payload)) {
      release(payload.size());
      throw exists("duplicate message %s from %s in session %s", tag, from, Session.shortId(session));
    }
    // the session ended between the check above and now: its end may have missed this slot, so drop it here (each
    // drop gives the bytes back at most once)
    if (isEnded(session)) {
      slots.remove(k, slot);
      releaseSlot(slot);
    }
  }

  /** Waits for a message until the session's deadline or failure. */
  ByteString take(Session s, String from, String tag) {
    Key k = new Key(s.id, from, tag);
    Slot slot = slot(k);
    ByteString m;
    try {
      m = s.await(slot.message(), "party " + from + " (step " + tag + ")");
    } catch (RuntimeException e) {
      if (isEnded(s.id) && slots.remove(k, slot)) releaseSlot(slot); // made after the session's end dropped all
      throw e;
    }
    Slot taken = new Slot(CompletableFuture.completedFuture(CONSUMED), System.currentTimeMillis());
    taken.released().set(true);
    slots.put(k, taken);
    releaseSlot(slot);
    if (isEnded(s.id)) slots.remove(k, taken); // ended meanwhile: its end may have run before the put
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
    // never shortened; an id of another size never starts a session here (Execute and peers refuse it): nothing to keep
    if (session.size() == Session.ID_BYTES) ended.put(session, Math.max(System.currentTimeMillis() + ENDED_MS, deadline));
    drop(k -> k.session().equals(session));
    Set<Arriving> half = arriving.remove(session);
    if (half != null) half.forEach(Arriving::drop);
  }

  /** Until when an ended session is refused (0 when it is not ended). */
  long endedUntil(ByteString session) {
    return session.size() == Session.ID_BYTES ? ended.until(session) : 0;
  }

  boolean isEnded(ByteString session) {
    return session.size() == Session.ID_BYTES && ended.contains(session);
  }

  /** Drops messages of sessions that never started here and forgets long-ended sessions. */
  void sweep(java.util.function.Predicate<ByteString> active) {
    long now = System.currentTimeMillis();
    ended.expire(now);
    for (var e : slots.entrySet()) {
      if (e.getValue().created() < now - ORPHAN_MS && !active.test(e.getKey().session()) && slots.remove(e.getKey(), e.getValue())) {
        releaseSlot(e.getValue());
      }
    }
  }

  private void drop(java.util.function.Predicate<Key> which) {
    for (var e : slots.entrySet()) {
      if (which.test(e.getKey()) && slots.remove(e.getKey(), e.getValue())) releaseSlot(e.getValue());
    }
  }

  /** Gives back a filed message's bytes, once, whoever drops it first. */
  private void releaseSlot(Slot s) {
    ByteString m = s.message().getNow(null);
    if (m != null && s.released().compareAndSet(false, true)) release(m.size());
  }

  long bufferedBytes() {
    return buffered.get();
  }

  int slotCount() {
    return slots.size();
  }
}
