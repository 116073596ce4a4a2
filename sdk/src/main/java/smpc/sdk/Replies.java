package smpc.sdk;

import io.grpc.stub.StreamObserver;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import smpc.core.protocol.Limits;
import smpc.core.protocol.RevealRoutes;
import smpc.proto.ExecuteReply;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;

/**
 * What one session's Execute replies bring the coordinator: each party's statistics, and the revealed outputs. A
 * party's reply carries the outputs revealed to it, or its own share of one whose shares go straight to the caller
 * (smpc.core.protocol.RevealRoutes: the recipient's client, or the party's own organisation's); an output is the sum
 * of every part of it that the parties sent, added up as they come, so a large output is held once, not once per party.
 * A sum is only right if every part is in it once: each party the routes name must cover the whole output, its parts in
 * order (a reply streams them so), and no other party may send one. A part left out, sent twice or sent by a party the
 * routes do not name fails the session, where it would otherwise give a wrong result without a word.
 */
final class Replies {
  /** One output: who sends parts of it, how far each has come, and the sum so far (its header set by the first part). */
  private static final class Sum {
    /** Its recipient, and each party that routes its share to its caller. */
    final Set<String> senders;
    /** By sender: how many elements it has sent so far. */
    final Map<String, Long> covered = new HashMap<>();
    long[] values; // null until the first part, which sets the length, scale and shape; grown as parts come
    long length; // the elements the first part said the output has
    int scale;
    long cols;
    String first; // the party whose part came first (named when another's does not fit it)

    Sum(Set<String> senders) {
      this.senders = senders;
    }
  }

  /** By output number: every party numbers the REVEALs in plan order (smpc.core.protocol.Outputs). */
  private final List<Sum> sums = new ArrayList<>();

  /** The replies of a session running {@code plan} on {@code parties}, whose shares of unnamed reveals go as {@code routes} say. */
  Replies(Plan plan, List<String> parties, RevealRoutes routes) {
    for (Instr in : plan.getInstrsList()) {
      if (in.getOp() != Op.REVEAL) continue;
      Set<String> from = new LinkedHashSet<>(List.of(in.getParty()));
      for (int j = 0; j < parties.size(); j++) {
        if (in.getName().isEmpty() && routes.toCaller(j, in.getParty())) from.add(parties.get(j));
      }
      sums.add(new Sum(from));
    }
  }

  /** An observer of {@code party}'s reply: completes {@code f} with its statistics once its reply ends. */
  StreamObserver<ExecuteReply> observer(String party, CompletableFuture<SessionStats> f, BiConsumer<Integer, Integer> progress) {
    return new StreamObserver<>() {
      private SessionStats stats;

      @Override
      public void onNext(ExecuteReply r) {
        if (r.hasStats()) {
          stats = r.getStats();
        } else if (r.hasProgress()) {
          progress.accept(r.getProgress().getRoundsDone(), r.getProgress().getRoundsTotal());
        } else if (!f.isDone()) {
          try {
            add(party, r.getRevealed());
          } catch (SmpcException e) {
            f.completeExceptionally(SmpcException.failure("%s: %s", party, e.getMessage()));
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (stats == null) f.completeExceptionally(SmpcException.failure("a party ended its reply without statistics"));
        else f.complete(stats);
      }
    };
  }

  /**
   * Adds {@code party}'s part of an output (ring elements at its offset, mod 2^64); refuses one that does not fit what came
   * before, one the routes do not give the party to send, and one that does not start where the party's last one ended.
   */
  synchronized void add(String party, Revealed part) {
    int k = part.getOutput();
    if (part.getLength() < 0 || part.getLength() > Limits.MAX_VECTOR || part.getData().size() % 8 != 0) {
      throw SmpcException.failure("a part of revealed output %d is malformed", k);
    }
    if (k < 0 || k >= sums.size() || !sums.get(k).senders.contains(party)) {
      throw SmpcException.failure("a part of revealed output %d, which the session's routes do not give this party to send", k);
    }
    Sum sum = sums.get(k);
    long done = sum.covered.getOrDefault(party, 0L);
    if (part.getOffset() != done) {
      throw SmpcException.failure("a part of revealed output %d at element %d, where its parts so far end at %d (one left out or sent twice)",
          k, part.getOffset(), done);
    }
    if (sum.values == null) {
      sum.values = new long[0];
      sum.length = part.getLength();
      sum.scale = part.getScale();
      sum.cols = part.getCols();
      sum.first = party;
    }
    LongBuffer data = part.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    if (sum.length != part.getLength() || part.getOffset() > sum.length - data.remaining()
        || sum.scale != part.getScale() || sum.cols != part.getCols()) {
      // either this party or the one whose part came first is wrong: the message names both
      throw SmpcException.failure("a part of revealed output %d does not fit %s (length, offset, scale or shape)", k,
          sum.first.equals(party) ? "its parts before it" : "the part " + sum.first + " sent first");
    }
    sum.covered.put(party, done + data.remaining());
    int end = (int) part.getOffset() + data.remaining();
    if (end > sum.values.length) {
      // grown with what has come, never allocated from a claim: a party that says an output has 2^27 elements and
      // sends one makes the coordinator hold one, not a GiB per output. Doubling, straight to the whole length once
      // that is half of it: the whole is allocated only after an eighth came, and old and new together never hold
      // more than 1.5 times the output
      long want = Math.max(end, 2L * sum.values.length);
      sum.values = Arrays.copyOf(sum.values, (int) (want >= sum.length / 2 ? sum.length : want));
    }
    for (int i = (int) part.getOffset(); data.hasRemaining(); i++) sum.values[i] += data.get();
  }

  /** The session's outputs, in plan order, once every party's reply ended. */
  synchronized Evaluation evaluation(Map<String, PartyStats> stats, String sessionId) {
    for (int k = 0; k < sums.size(); k++) {
      Sum sum = sums.get(k);
      for (String p : sum.senders) { // the recipient is always one, so every output that passes has its values
        Long got = sum.covered.get(p);
        if (got == null) throw SmpcException.failure("%s's reply has no part of revealed output %d: its sum would be wrong", p, k);
        if (got != sum.length) {
          throw SmpcException.failure("%s's reply left revealed output %d incomplete (%d of %d elements): its sum would be wrong", p, k, got,
              sum.length);
        }
      }
    }
    return new Evaluation(sums.stream().map(x -> x.values).toList(), sums.stream().map(x -> x.scale).toList(), stats, sessionId,
        sums.stream().map(x -> x.cols).toList());
  }
}
