package smpc.party;

import smpc.net.Statuses;
import static smpc.core.Errors.invalid;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import smpc.core.Errors;
import smpc.core.protocol.DealerLink;
import smpc.core.protocol.Material;
import smpc.proto.CorrectionsChunk;
import smpc.proto.CorrectionsRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.Plan;
import smpc.proto.ReleaseRequest;
import smpc.proto.SeedRequest;

/**
 * This party's dealer material for one session, fetched as soon as the session starts so that it
 * overlaps with input sharing: the seed, and for the designated party the plan's corrections (a few
 * blocks ahead of their use: {@link CorrectionsWindow}).
 */
final class GrpcDealerLink implements DealerLink {
  private final Session session;
  private final Peers peers;
  private final CompletableFuture<byte[]> seed;
  /** The designated party's corrections of each kind the plan declares. */
  private final EnumMap<Material, CorrectionsWindow> corrections = new EnumMap<>(Material.class);
  private final Plan plan;
  private final int fracBits;
  private final AtomicLong bytes = new AtomicLong();
  /** Kinds of corrections the designated party fetches (the dealer forgets the session once all went out). */
  private final int kinds;
  /** The kind whose corrections bring the designated party's seed; null elsewhere. */
  private final Material seedWith;

  GrpcDealerLink(Session session, Peers peers, Plan plan, int fracBits) {
    this.session = session;
    this.peers = peers;
    this.fracBits = fracBits;
    this.plan = plan;
    boolean designated = session.me == 0;
    List<Material> declared = Arrays.stream(Material.values()).filter(m -> m.in(plan) > 0).toList();
    kinds = declared.size();
    // the designated party's seed comes with its first kind of corrections: one dealer call less
    seedWith = designated && kinds > 0 ? declared.get(0) : null;
    seed = kinds == 0 ? null : designated ? new CompletableFuture<>() : fetchSeed();
    if (designated) for (Material m : declared) corrections.put(m, fetch(m, m.in(plan)));
  }

  /** A future of material the plan declared; null (not a failed future: an exception per session costs) when it did not. */
  private <T> T await(CompletableFuture<T> f, String what) {
    if (f == null) throw invalid("plan uses dealer %s it did not declare", what);
    return session.await(f, "the dealer");
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

  /** Asks for the seed without a thread of its own: the reply completes the future on the transport thread. */
  private CompletableFuture<byte[]> fetchSeed() {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    asyncStub().seed(SeedRequest.newBuilder()
        .setSessionId(session.id).setParty(peers.me).addAllParties(session.parties).setDeadlineUnixMs(session.deadline).build(),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(smpc.proto.SeedReply r) {
            byte[] s = r.getSeed().toByteArray();
            bytes.addAndGet(s.length);
            f.complete(s);
          }

          @Override
          public void onError(Throwable t) {
            f.completeExceptionally(fail(Status.fromThrowable(t).asRuntimeException()));
          }

          @Override
          public void onCompleted() {
            if (!f.isDone()) f.completeExceptionally(fail(Status.INTERNAL.withDescription("no seed in the reply").asRuntimeException()));
          }
        });
    return f;
  }

  /** A kind's corrections for the session, streamed in chunks and filed as they come on the transport thread. */
  private CorrectionsWindow fetch(Material kind, long count) {
    if (count > smpc.core.protocol.Limits.MAX_VECTOR) {
      throw invalid("plan needs %d dealer items, more than the %d one session may use", count, smpc.core.protocol.Limits.MAX_VECTOR);
    }
    CorrectionsRequest req = CorrectionsRequest.newBuilder().setSessionId(session.id)
        .setParty(peers.me).setStart(0).setCount(count).addAllParties(session.parties)
        .setDeadlineUnixMs(session.deadline).setMaterial(kind.ordinal()).setFracBits(fracBits).setWithSeed(kind == seedWith).setKinds(kinds)
        .addAllTruncRuns(kind == Material.TRUNC_PAIR ? plan.getTruncRunsList() : List.of())
        .addAllMatShapes(kind == Material.MATRIX_TRIPLE ? plan.getMatShapesList() : List.of()).build();
    CorrectionsWindow w = new CorrectionsWindow(session, kind, count, c -> {
      if (kind != seedWith) return;
      if (c.getSeed().size() != smpc.core.ring.Prg.SEED_BYTES) throw invalid("dealer sent no seed, or a malformed one, with the corrections");
      bytes.addAndGet(c.getSeed().size());
      seed.complete(c.getSeed().toByteArray());
    }, this::fail, bytes::addAndGet);
    asyncStub().corrections(req, w);
    return w;
  }

  private RuntimeException fail(RuntimeException e) {
    RuntimeException d = fromDealer(e, peers.dealer);
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
    return await(seed, "material");
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
    corrections.values().forEach(CorrectionsWindow::cancel);
  }

  /** True when the plan asked the dealer for anything. */
  boolean used() {
    return seed != null;
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
