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
 *
 * <p>A peer may be another organisation's party acting against this one, so what one sender can hold is bounded:
 * each message costs its bytes plus {@link #OVERHEAD} (its slot, key and future; empty messages under made-up session
 * ids once made 3 million slots and wedged a party's 1 GiB heap at no cost against the buffer), and a sender holds at
 * most half the buffer (one peer claiming 32 MiB messages of made-up sessions and never finishing them filled all of
 * it, failing every session of this party with the others; honest peers send alike, so in a session between two
 * parties neither needs more than half). A message still arriving for a session that has not started here after
 * {@code ORPHAN_MS} is dropped like a filed one.
 */
final class Mailbox {
  private static final ByteString CONSUMED = ByteString.EMPTY;
  static final long ORPHAN_MS = 120_000;
  private static final long ENDED_MS = 600_000;

  /** What a message costs beyond its bytes: a slot, its key and future take about 350 bytes of heap. */
  static final int OVERHEAD = 512;

  private record Key(ByteString session, String from, String tag) {}

  /** A message's place: its charge is set by the first delivery (a second one is a duplicate), given back once. */
  private record Slot(CompletableFuture<ByteString> message, long created, java.util.concurrent.atomic.AtomicReference<Charge> charge) {
    Slot(CompletableFuture<ByteString> message, long created) {
      this(message, created, new java.util.concurrent.atomic.AtomicReference<>());
    }
  }

  /** Room held for one message of one sender, given back exactly once. */
  final class Charge {
    private final String from;
    private final long cost;
    private final AtomicBoolean released = new AtomicBoolean();

    private Charge(String from, long cost) {
      this.from = from;
      this.cost = cost;
    }

    void release() {
      if (!released.compareAndSet(false, true)) return;
      synchronized (Mailbox.this) {
        buffered.addAndGet(-cost);
        if (held.merge(from, -cost, Long::sum) == 0) held.remove(from);
      }
    }
  }

  /** A charge of nothing, already given back: a taken message's slot, which keeps later copies out. */
  private final Charge none = new Charge("", 0);

  {
    none.released.set(true);
  }

  /** Bytes reserved for a message arriving in chunks; {@code onDrop} ends its call when the session ends first. */
  final class Arriving {
    private final ByteString session;
    /** The whole message's size. */
    final long bytes;
    private final Charge charge;
    private final long created = System.currentTimeMillis();
    private final Runnable onDrop;
    private final AtomicBoolean done = new AtomicBoolean();

    private Arriving(ByteString session, long bytes, Charge charge, Runnable onDrop) {
      this.session = session;
      this.bytes = bytes;
      this.charge = charge;
      this.onDrop = onDrop;
    }

    /** Gives the bytes back (the message failed); true the first time only. */
    boolean cancel() {
      if (!done.compareAndSet(false, true)) return false;
      charge.release();
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
  private final AtomicLong buffered = new AtomicLong(); // written under this object's lock, read without
  /** What each sender holds; under this object's lock. */
  private final Map<String, Long> held = new java.util.HashMap<>();
  private final long maxBuffered;

  Mailbox(long maxBufferedBytes) {
    this.maxBuffered = maxBufferedBytes;
  }

  private Slot slot(Key k) {
    return slots.computeIfAbsent(k, x -> new Slot(new CompletableFuture<>(), System.currentTimeMillis()));
  }

  /** Reserves room for an incoming message of {@code bytes} bytes from {@code from}, or refuses it. */
  Charge reserve(ByteString session, String from, long bytes) {
    if (isEnded(session)) throw precondition("session %s is over", Session.shortId(session));
    long cost = bytes + OVERHEAD;
    synchronized (this) {
      long mine = held.getOrDefault(from, 0L);
      String full = buffered.get() + cost > maxBuffered ? "party message buffer full"
          : mine + cost > maxBuffered / 2 ? "messages from " + from + " fill half the party's message buffer" : null;
      if (full != null) throw Status.RESOURCE_EXHAUSTED.withDescription(full + "; retry later").asRuntimeException();
      buffered.addAndGet(cost);
      held.put(from, mine + cost);
    }
    return new Charge(from, cost);
  }

  /**
   * Reserves room for a message that arrives in chunks, given back by {@link #deliver(Arriving, String, String,
   * ByteString)} or {@link Arriving#cancel}, or by the session's end, which then runs {@code onDrop}.
   */
  Arriving arriving(ByteString session, String from, long bytes, Runnable onDrop) {
    Arriving a = new Arriving(session, bytes, reserve(session, from, bytes), onDrop);
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
    deliver(a.charge, a.session, from, tag, payload); // the bytes are the slot's now
  }

  /** Files a complete message (its room reserved as {@code c}, given back if refused). A second one for the same step is refused. */
  void deliver(Charge c, ByteString session, String from, String tag, ByteString payload) {
    if (isEnded(session)) {
      c.release();
      throw precondition("session %s is over", Session.shortId(session));
    }
    Key k = new Key(session, from, tag);
    Slot slot = slot(k);
    if (!slot.charge().compareAndSet(null, c)) {
      c.release();
      throw exists("duplicate message %s from %s in session %s", tag, from, Session.shortId(session));
    }
    slot.message().complete(payload);
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
    taken.charge().set(none);
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

  /** Drops messages, filed or still arriving, of sessions that never started here and forgets long-ended sessions. */
  void sweep(java.util.function.Predicate<ByteString> active) {
    sweep(active, System.currentTimeMillis());
  }

  /** As above at the time {@code now} (tests). */
  void sweep(java.util.function.Predicate<ByteString> active, long now) {
    ended.expire(now);
    for (var e : slots.entrySet()) {
      if (e.getValue().created() < now - ORPHAN_MS && !active.test(e.getKey().session()) && slots.remove(e.getKey(), e.getValue())) {
        releaseSlot(e.getValue());
      }
    }
    for (var e : arriving.entrySet()) { // a sender that claims a large message and never finishes it holds its room
      if (active.test(e.getKey())) continue;
      for (Arriving a : e.getValue()) if (a.created < now - ORPHAN_MS) a.drop();
    }
  }

  private void drop(java.util.function.Predicate<Key> which) {
    for (var e : slots.entrySet()) {
      if (which.test(e.getKey()) && slots.remove(e.getKey(), e.getValue())) releaseSlot(e.getValue());
    }
  }

  /** Gives back a filed message's room, once, whoever drops it first. */
  private static void releaseSlot(Slot s) {
    Charge c = s.charge().get();
    if (c != null) c.release();
  }

  long bufferedBytes() {
    return buffered.get();
  }

  int slotCount() {
    return slots.size();
  }
}
