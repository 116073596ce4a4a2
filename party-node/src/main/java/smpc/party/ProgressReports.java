package smpc.party;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import smpc.core.protocol.Costs;
import smpc.net.Chunks;
import smpc.proto.ExecuteReply;
import smpc.proto.Plan;
import smpc.proto.Progress;

/**
 * The designated party's progress messages in its Execute reply: rounds done of the plan's total, at its
 * first communicating step and then at most every half second, for plans of {@link #MIN_ROUNDS} rounds or
 * more (a few-round session, such as the seed example, sends none: it would only cost latency). Whether
 * to draw anything is the client's choice (the CLI waits a second). A message the client is not ready
 * for is dropped, never queued: the next one supersedes it, and a slow reader must not hold the session
 * back. Progress reveals nothing the plan does not: every party knows the round it is in.
 */
final class ProgressReports {
  static final int MIN_ROUNDS = 16;
  static final long EVERY_NANOS = 500_000_000L;

  private ProgressReports() {}

  static IntConsumer to(Chunks.Download<ExecuteReply> reply, Plan plan) {
    return to(reply::offer, plan, System::nanoTime);
  }

  /** @param offer sends a message if the stream can take it now (else drops it) */
  static IntConsumer to(Predicate<ExecuteReply> offer, Plan plan, LongSupplier clock) {
    int total = Costs.rounds(plan);
    if (total < MIN_ROUNDS) return done -> {};
    long[] next = {clock.getAsLong()};
    return done -> {
      long now = clock.getAsLong();
      if (now - next[0] < 0) return;
      next[0] = now + EVERY_NANOS;
      offer.test(ExecuteReply.newBuilder()
          .setProgress(Progress.newBuilder().setRoundsDone(done).setRoundsTotal(total)).build());
    };
  }
}
