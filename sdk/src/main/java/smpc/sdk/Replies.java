package smpc.sdk;

import io.grpc.stub.StreamObserver;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  /** By output number: the parties whose parts make it up (its recipient, and each party that routes its share to its caller). */
  private final List<Set<String>> senders = new ArrayList<>();
  /** By output number and party: how many elements of it that party has sent so far. */
  private final Map<Integer, Map<String, Long>> covered = new HashMap<>();
  private final Map<Integer, long[]> outputs = new TreeMap<>();
  private final Map<Integer, Integer> scales = new TreeMap<>();
  private final Map<Integer, Long> cols = new TreeMap<>();
  /** By output number: the party whose part came first and set its length, scale and shape (named when another's differs). */
  private final Map<Integer, String> first = new HashMap<>();

  /** The replies of a session running {@code plan} on {@code parties}, whose shares of unnamed reveals go as {@code routes} say. */
  Replies(Plan plan, List<String> parties, RevealRoutes routes) {
    for (Instr in : plan.getInstrsList()) {
      if (in.getOp() != Op.REVEAL) continue; // every party numbers the REVEALs in plan order (smpc.core.protocol.Outputs)
      Set<String> from = new LinkedHashSet<>(List.of(in.getParty()));
      for (int j = 0; j < parties.size(); j++) {
        if (in.getName().isEmpty() && routes.toCaller(j, in.getParty())) from.add(parties.get(j));
      }
      senders.add(from);
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
    if (part.getLength() < 0 || part.getLength() > Limits.MAX_VECTOR || part.getData().size() % 8 != 0) {
      throw SmpcException.failure("a part of revealed output %d is malformed", part.getOutput());
    }
    if (part.getOutput() < 0 || part.getOutput() >= senders.size() || !senders.get(part.getOutput()).contains(party)) {
      throw SmpcException.failure("a part of revealed output %d, which the session's routes do not give this party to send", part.getOutput());
    }
    Map<String, Long> byParty = covered.computeIfAbsent(part.getOutput(), k -> new HashMap<>());
    if (part.getOffset() != byParty.getOrDefault(party, 0L)) {
      throw SmpcException.failure("a part of revealed output %d at element %d, where its parts so far end at %d (one left out or sent twice)",
          part.getOutput(), part.getOffset(), byParty.getOrDefault(party, 0L));
    }
    String setter = first.putIfAbsent(part.getOutput(), party);
    long[] out = outputs.computeIfAbsent(part.getOutput(), k -> new long[(int) part.getLength()]);
    LongBuffer data = part.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    Integer scale = scales.putIfAbsent(part.getOutput(), part.getScale());
    Long shape = cols.putIfAbsent(part.getOutput(), part.getCols());
    if (out.length != part.getLength() || part.getOffset() < 0 || part.getOffset() > out.length - data.remaining()
        || (scale != null && scale != part.getScale()) || (shape != null && shape != part.getCols())) {
      // either this party or the one whose part came first is wrong: the message names both
      throw SmpcException.failure("a part of revealed output %d does not fit %s (length, offset, scale or shape)", part.getOutput(),
          setter == null || setter.equals(party) ? "its parts before it" : "the part " + setter + " sent first");
    }
    byParty.put(party, part.getOffset() + data.remaining());
    for (int i = (int) part.getOffset(); data.hasRemaining(); i++) out[i] += data.get();
  }

  /** The session's outputs, in plan order, once every party's reply ended. */
  synchronized Evaluation evaluation(Map<String, PartyStats> stats, String sessionId) {
    for (int k = 0; k < senders.size(); k++) {
      long length = outputs.containsKey(k) ? outputs.get(k).length : 0;
      for (String p : senders.get(k)) {
        Long got = covered.getOrDefault(k, Map.of()).get(p);
        if (got == null) throw SmpcException.failure("%s's reply has no part of revealed output %d: its sum would be wrong", p, k);
        if (got != length) {
          throw SmpcException.failure("%s's reply left revealed output %d incomplete (%d of %d elements): its sum would be wrong", p, k, got, length);
        }
      }
    }
    return new Evaluation(List.copyOf(outputs.values()), List.copyOf(scales.values()), stats, sessionId, List.copyOf(cols.values()));
  }
}
