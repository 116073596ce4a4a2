package smpc.party;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.proto.DealerGrpc;
import smpc.proto.SeedsReply;
import smpc.proto.SeedsRequest;

/**
 * This party's dealer seeds, fetched a batch ahead of its sessions (the dealer's Seeds call), so that a session
 * starts without waiting for the dealer: the party draws one seed, sends its id with its plan agreement message,
 * and the designated party names every party's seed id when it asks for the corrections. Before, each party but
 * the designated one made a call to the dealer per session, and the first opening waited for its reply.
 *
 * <p>A seed is drawn once and never reused here (reusing one would reuse the masks of the triples it expands to,
 * and two openings with one mask reveal the difference of what they mask). The batch is dropped when a session
 * that drew from it fails, since the dealer may have restarted and forgotten it: the next session fetches anew.
 */
final class SeedBatch {
  private static final Logger LOG = Logger.getLogger(SeedBatch.class.getName());
  static final int BATCH = 64;
  static final int ID_BYTES = 16;
  /** Below this many left, a refill is asked for in the background. */
  static final int LOW = 16;
  /** A seed older than this is not used: the dealer keeps one for three hours, a session lasts at most one. */
  static final long MAX_AGE_MS = 3_600_000L;

  record Seed(ByteString id, byte[] seed, long fetched) {}

  private final Peers peers;
  private final ArrayDeque<Seed> ready = new ArrayDeque<>();
  private boolean refilling;
  /** Bumped by {@link #discard}: a refill that was under way then is dropped when it comes. */
  private long generation;

  SeedBatch(Peers peers) {
    this.peers = peers;
  }

  /** A seed for one session: from the batch, else fetched now (a session's first, or after a discard). */
  Seed next(Session s) {
    long gen;
    synchronized (this) {
      long stale = System.currentTimeMillis() - MAX_AGE_MS;
      while (!ready.isEmpty() && ready.peekFirst().fetched() < stale) ready.pollFirst();
      if (ready.size() <= LOW && !ready.isEmpty()) refill();
      if (!ready.isEmpty()) return ready.pollFirst();
      gen = generation;
    }
    SeedsReply r;
    try {
      r = DealerGrpc.newBlockingStub(peers.dealerChannel()).withDeadlineAfter(Math.max(1, s.deadline - System.currentTimeMillis()),
          TimeUnit.MILLISECONDS).seeds(request());
    } catch (StatusRuntimeException e) {
      throw GrpcDealerLink.fromDealer(e, peers.dealer);
    }
    Seed first = add(r, gen, true);
    if (first == null) throw smpc.core.Errors.unavailable("dealer (%s) sent no seeds", peers.dealer);
    return first;
  }

  /** Drops every seed not drawn yet (a session that drew one failed: the dealer may no longer hold them). */
  synchronized void discard() {
    ready.clear();
    generation++;
  }

  private SeedsRequest request() {
    return SeedsRequest.newBuilder().setParty(peers.me).setCount(BATCH).build();
  }

  /** Files a reply's seeds unless a discard came since it was asked for; returns the first when {@code takeFirst}. */
  private synchronized Seed add(SeedsReply r, long gen, boolean takeFirst) {
    if (r.getIdsCount() != r.getSeedsCount()) return null;
    long now = System.currentTimeMillis();
    Seed first = null;
    for (int k = 0; k < r.getIdsCount(); k++) {
      if (r.getIds(k).size() != ID_BYTES || r.getSeeds(k).size() != smpc.core.ring.Prg.SEED_BYTES) return first;
      Seed seed = new Seed(r.getIds(k), r.getSeeds(k).toByteArray(), now);
      if (takeFirst && first == null) first = seed;
      else if (gen == generation) ready.addLast(seed);
    }
    return first;
  }

  /** Asks for a batch in the background; the reply is filed on the transport thread. */
  private void refill() {
    if (refilling) return;
    refilling = true;
    long gen = generation;
    DealerGrpc.newStub(peers.dealerChannel()).withDeadlineAfter(60, TimeUnit.SECONDS).seeds(request(), new StreamObserver<>() {
      @Override
      public void onNext(SeedsReply r) {
        add(r, gen, false);
      }

      @Override
      public void onError(Throwable t) {
        done();
        LOG.log(Level.FINE, "seed refill failed", t); // the next session that finds the batch empty fetches itself
      }

      @Override
      public void onCompleted() {
        done();
      }
    });
  }

  private synchronized void done() {
    refilling = false;
  }
}
