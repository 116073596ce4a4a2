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
 * overlaps with input sharing: the seed, and for the designated party all of the plan's corrections.
 */
final class GrpcDealerLink implements DealerLink {
  private final Session session;
  private final Peers peers;
  private final CompletableFuture<byte[]> seed;
  /** The designated party's corrections of each kind the plan declares, the items' words one after the other. */
  private final EnumMap<Material, CompletableFuture<long[]>> corrections = new EnumMap<>(Material.class);
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

  /**
   * All of a kind's corrections for the session, streamed in chunks and filed as they come on the transport
   * thread (no thread of its own, no hand-off before the call starts).
   */
  private CompletableFuture<long[]> fetch(Material kind, long count) {
    CompletableFuture<long[]> f = new CompletableFuture<>();
    if (count > smpc.core.protocol.Limits.MAX_LENGTH) {
      f.completeExceptionally(fail(invalid("plan needs %d dealer items, more than the %d one session may use", count,
          smpc.core.protocol.Limits.MAX_LENGTH)));
      return f;
    }
    CorrectionsRequest req = CorrectionsRequest.newBuilder().setSessionId(session.id)
        .setParty(peers.me).setStart(0).setCount(count).addAllParties(session.parties)
        .setDeadlineUnixMs(session.deadline).setMaterial(kind.ordinal()).setFracBits(fracBits).setWithSeed(kind == seedWith).setKinds(kinds)
        .addAllTruncRuns(kind == Material.TRUNC_PAIR ? plan.getTruncRunsList() : List.of())
        .addAllMatShapes(kind == Material.MATRIX_TRIPLE ? plan.getMatShapesList() : List.of()).build();
    asyncStub().corrections(req,
        new io.grpc.stub.StreamObserver<>() {
          private final long[] out = new long[(int) count * kind.correctionWords];
          private int pos;
          private boolean failed;

          @Override
          public void onNext(CorrectionsChunk c) {
            if (failed) return;
            try {
              if (kind == seedWith && !c.getSeed().isEmpty() && !seed.isDone()) {
                if (c.getSeed().size() != smpc.core.ring.Prg.SEED_BYTES) throw invalid("dealer sent a malformed seed");
                bytes.addAndGet(c.getSeed().size());
                seed.complete(c.getSeed().toByteArray());
              }
              var data = c.getData();
              if (data.size() % 8 != 0 || pos + data.size() / 8 > out.length) throw invalid("dealer sent a malformed corrections chunk");
              data.asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out, pos, data.size() / 8);
              pos += data.size() / 8;
              bytes.addAndGet(data.size());
            } catch (RuntimeException e) {
              failed = true;
              f.completeExceptionally(fail(e));
            }
          }

          @Override
          public void onError(Throwable t) {
            if (failed) return;
            failed = true;
            f.completeExceptionally(fail(Status.fromThrowable(t).asRuntimeException()));
          }

          @Override
          public void onCompleted() {
            if (failed) return;
            if (pos != out.length) {
              f.completeExceptionally(fail(invalid("dealer sent %d corrections, expected %d", pos, out.length)));
            } else if (kind == seedWith && !seed.isDone()) {
              f.completeExceptionally(fail(invalid("dealer sent no seed with the corrections")));
            } else {
              f.complete(out);
            }
          }
        });
    return f;
  }

  private RuntimeException fail(RuntimeException e) {
    StatusRuntimeException st = Statuses.status(e);
    RuntimeException d = st.getStatus().getCode() == Status.Code.UNAVAILABLE
        ? Errors.unavailable("dealer (%s) is unreachable: %s", peers.dealer, Statuses.describe(e))
        : st.getStatus().withDescription("dealer: " + Statuses.describe(e)).asRuntimeException();
    session.fail(d);
    return d;
  }

  @Override
  public byte[] seed() {
    return await(seed, "material");
  }

  @Override
  public long[][] corrections(Material kind, long start, int count) {
    long[] all = await(corrections.get(kind), kind.noun);
    int per = kind.correctionWords;
    if (start < 0 || per * (start + count) > all.length) throw invalid("plan uses more %s than it declared", kind.noun);
    long[][] out = new long[per][count];
    for (int k = 0; k < count; k++) for (int j = 0; j < per; j++) out[j][k] = all[(int) (per * (start + k)) + j];
    return out;
  }

  @Override
  public long bytesReceived() {
    return bytes.get();
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
