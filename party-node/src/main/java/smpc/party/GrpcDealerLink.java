package smpc.party;

import smpc.net.Statuses;
import static smpc.core.Errors.invalid;

import io.grpc.Status;
import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import smpc.core.Errors;
import smpc.core.protocol.DealerLink;
import smpc.core.protocol.Material;
import smpc.proto.CorrectionsRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.Plan;
import smpc.proto.ReleaseRequest;

/**
 * This party's dealer material for one session: its seed, derived from its key ({@link DealerKeys}), and for the
 * designated party the plan's corrections, streamed a few blocks ahead of their use ({@link CorrectionsWindow}). The
 * designated party asks for them as the session starts, naming the key ids its peers announced last time, so the
 * dealer's round trip overlaps the agreement; the agreement then tells the ids this session uses, and if one
 * differs (a peer fetched a new key) it asks again with those. Until then a refusal of the first request (a key
 * the dealer no longer holds) is held, not failed: the second request decides.
 */
final class GrpcDealerLink implements DealerLink {
  private final Session session;
  private final Peers peers;
  /** This party's key: its seed is derived from it once the agreement gave every party's key id. */
  private final DealerKeys.Key key;
  private volatile byte[] seed;
  /** The designated party's corrections of each kind the plan declares; replaced whole when it asks again. */
  private volatile EnumMap<Material, CorrectionsWindow> corrections = new EnumMap<>(Material.class);
  private final Plan plan;
  private final int fracBits;
  private final AtomicLong bytes = new AtomicLong();
  /** Kinds of corrections the designated party fetches (the dealer forgets the session once all went out). */
  private final List<Material> declared;
  private final int kinds;
  /** The key ids the corrections were asked with; null until asked. */
  private volatile List<ByteString> asked;
  /**
   * Bumped by each request: a window of an earlier one reports nothing. While {@code provisional} (asked with guessed
   * key ids, not confirmed yet) a dealer's refusal waits in {@code held}. No lock: the windows call {@link #fail} holding
   * their own, and this link cancels them.
   */
  private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean provisional;
  private final java.util.concurrent.atomic.AtomicReference<RuntimeException> held = new java.util.concurrent.atomic.AtomicReference<>();

  /** @param key this party's dealer key; null when the plan declares no dealer material */
  GrpcDealerLink(Session session, Peers peers, Plan plan, int fracBits, DealerKeys.Key key) {
    this.session = session;
    this.peers = peers;
    this.fracBits = fracBits;
    this.plan = plan;
    this.key = key;
    declared = Material.declared(plan);
    kinds = declared.size();
  }

  /**
   * The designated party asks for every declared kind's corrections, naming each party's key ({@code guess}: ids it
   * expects, not confirmed yet); the windows of an earlier request are cancelled.
   */
  void request(List<ByteString> keyIds, boolean guess) {
    if (session.me != 0 || kinds == 0) return;
    int gen = generation.incrementAndGet();
    EnumMap<Material, CorrectionsWindow> old = corrections;
    held.set(null);
    provisional = guess;
    asked = keyIds;
    EnumMap<Material, CorrectionsWindow> fresh = new EnumMap<>(Material.class);
    try {
      for (Material m : declared) fresh.put(m, fetch(m, m.in(plan), keyIds, gen));
    } catch (RuntimeException e) {
      fresh.values().forEach(CorrectionsWindow::cancel); // started before a later kind failed: in no map close() sees
      throw e;
    } finally {
      old.values().forEach(CorrectionsWindow::cancel);
    }
    corrections = fresh;
  }

  /**
   * After the agreement, with the key ids every party announced: derives this party's seed, and the designated party
   * asks now if it has not, again if it guessed otherwise, and else lets a refusal it held fail the session.
   */
  void confirm(List<ByteString> keyIds) {
    if (key == null) return;
    seed = smpc.core.protocol.SessionSeeds.seed(key.key(), smpc.core.protocol.SessionSeeds.context(session.id, session.deadline,
        session.parties, keyIds));
    bytes.addAndGet(seed.length); // derived, not sent: counted as the dealer's 16 bytes it stands for
    if (session.me != 0 || kinds == 0) return;
    if (asked == null || !asked.equals(keyIds)) {
      request(keyIds, false);
      return;
    }
    provisional = false;
    RuntimeException failed = held.get();
    if (failed != null) session.fail(failed);
  }

  /** Calls end at the session's deadline. */
  private long remainingMs() {
    return Math.max(1, session.deadline - System.currentTimeMillis());
  }

  private DealerGrpc.DealerBlockingStub stub() {
    return DealerGrpc.newBlockingStub(peers.dealerChannel()).withDeadlineAfter(remainingMs(), TimeUnit.MILLISECONDS);
  }

  private DealerGrpc.DealerStub asyncStub() {
    return DealerGrpc.newStub(peers.dealerChannel()).withDeadlineAfter(remainingMs(), TimeUnit.MILLISECONDS);
  }

  /** A kind's corrections for the session, streamed in chunks and filed as they come on the transport thread. */
  private CorrectionsWindow fetch(Material kind, long count, List<ByteString> keyIds, int gen) {
    if (count > smpc.core.protocol.Limits.MAX_VECTOR) {
      throw invalid("plan needs %d dealer items, more than the %d one session may use", count, smpc.core.protocol.Limits.MAX_VECTOR);
    }
    CorrectionsRequest req = CorrectionsRequest.newBuilder().setSessionId(session.id)
        .setParty(peers.me).setStart(0).setCount(count).addAllParties(session.parties)
        .setDeadlineUnixMs(session.deadline).setMaterial(kind.ordinal()).setFracBits(fracBits).setKinds(kinds).addAllKeyIds(keyIds)
        .addAllTruncRuns(kind == Material.TRUNC_PAIR ? plan.getTruncRunsList() : List.of())
        .addAllMatShapes(kind == Material.MATRIX_TRIPLE ? plan.getMatShapesList() : List.of()).build();
    CorrectionsWindow w = new CorrectionsWindow(session, kind, count, e -> fail(e, gen), bytes::addAndGet);
    asyncStub().corrections(req, w);
    return w;
  }

  /** A window's failure: nothing when a later request replaced it, held while its request is a guess, else the session's. */
  private RuntimeException fail(RuntimeException e, int gen) {
    RuntimeException d = fromDealer(e, peers.dealer);
    if (gen != generation.get()) return d;
    if (provisional) {
      held.compareAndSet(null, d);
      if (provisional || gen != generation.get()) return d; // confirm re-reads it after clearing provisional
    }
    session.fail(d);
    return d;
  }

  /** A failed dealer call, naming the dealer (else a client would blame this party's own connection). */
  static RuntimeException fromDealer(RuntimeException e, String dealer) {
    StatusRuntimeException st = Statuses.status(e);
    return st.getStatus().getCode() == Status.Code.UNAVAILABLE
        ? Errors.unavailable("dealer (%s) is unreachable: %s", dealer, Statuses.describe(e))
        : st.getStatus().withDescription("dealer: " + Statuses.describe(e)).asRuntimeException();
  }

  @Override
  public byte[] seed() {
    byte[] s = seed;
    if (s == null) throw invalid("plan uses dealer material it did not declare");
    return s;
  }

  @Override
  public long[][] corrections(Material kind, long start, int count) {
    CorrectionsWindow w = corrections.get(kind);
    if (w == null) throw invalid("plan uses dealer %s it did not declare", kind.noun);
    return w.take(start, count);
  }

  @Override
  public long bytesReceived() {
    return bytes.get();
  }

  /** Ends the corrections streams still open once the session is over. */
  void close() {
    generation.incrementAndGet(); // what they report now is of no session
    corrections.values().forEach(CorrectionsWindow::cancel);
  }

  /** True when the designated party asked the dealer for corrections. */
  boolean used() {
    return asked != null;
  }

  /**
   * Tells the dealer to forget the session: for a session that failed (one that succeeded had every party
   * take its material, and the dealer forgot it then).
   */
  void release() {
    try {
      stub().release(ReleaseRequest.newBuilder().setSessionId(session.id).setParty(peers.me).build());
    } catch (StatusRuntimeException ignored) {
      // the dealer expires the session at its deadline anyway
    }
  }

}
