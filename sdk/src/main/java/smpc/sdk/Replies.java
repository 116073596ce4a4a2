package smpc.sdk;

import io.grpc.stub.StreamObserver;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import smpc.core.protocol.Limits;
import smpc.proto.ExecuteReply;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;

/**
 * What one session's Execute replies bring the coordinator: each party's statistics, and the revealed outputs. A
 * party's reply carries the outputs revealed to it, or its own share of one whose shares go straight to the caller
 * (smpc.core.protocol.RevealRoutes: the recipient's client, or the party's own organisation's); an output is the sum
 * of every part of it that the parties sent, added up as they come, so a large output is held once, not once per party.
 */
final class Replies {
  private final Map<Integer, long[]> outputs = new TreeMap<>();
  private final Map<Integer, Integer> scales = new TreeMap<>();
  private final Map<Integer, Long> cols = new TreeMap<>();

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
            add(r.getRevealed());
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

  /** Adds a part of an output (ring elements at its offset, mod 2^64); refuses one that does not fit what came before. */
  private synchronized void add(Revealed part) {
    if (part.getLength() < 0 || part.getLength() > Limits.MAX_VECTOR || part.getData().size() % 8 != 0) {
      throw SmpcException.failure("a part of revealed output %d is malformed", part.getOutput());
    }
    long[] out = outputs.computeIfAbsent(part.getOutput(), k -> new long[(int) part.getLength()]);
    LongBuffer data = part.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    Integer scale = scales.putIfAbsent(part.getOutput(), part.getScale());
    Long shape = cols.putIfAbsent(part.getOutput(), part.getCols());
    if (out.length != part.getLength() || part.getOffset() < 0 || part.getOffset() > out.length - data.remaining()
        || (scale != null && scale != part.getScale()) || (shape != null && shape != part.getCols())) {
      throw SmpcException.failure("a part of revealed output %d does not fit the parts before it", part.getOutput());
    }
    for (int i = (int) part.getOffset(); data.hasRemaining(); i++) out[i] += data.get();
  }

  /** The session's outputs, in plan order, once every party's reply ended. */
  synchronized Evaluation evaluation(Map<String, PartyStats> stats, String sessionId) {
    return new Evaluation(List.copyOf(outputs.values()), List.copyOf(scales.values()), stats, sessionId, List.copyOf(cols.values()));
  }
}
