package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.protocol.Costs;
import smpc.proto.DType;
import smpc.proto.ExecuteReply;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

class ProgressReportsTest {
  static final Plan PLAN = plan("x * x < 5 + (x * x * x < 2)");
  static final Plan SEED = plan("(x * x) - 5 * (x + x)");

  static Plan plan(String expr) {
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), "alice")), List.of("alice", "bob"),
        name -> ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner("alice").setLength(3).build())
        .plan();
  }

  @Test
  void theFirstStepThenAtMostEveryHalfSecondWithThePlansRounds() {
    long[] now = {-5_000_000_000L}; // nanoTime may be negative
    List<ExecuteReply> sent = new ArrayList<>();
    IntConsumer report = ProgressReports.to(r -> sent.add(r), PLAN, () -> now[0]);
    report.accept(1);
    now[0] += 499_000_000L;
    report.accept(2); // too soon after the last
    now[0] += 1_000_000L;
    report.accept(3);
    now[0] += 400_000_000L;
    report.accept(4);
    now[0] += 100_000_000L;
    report.accept(5);
    assertThat(sent).extracting(r -> r.getProgress().getRoundsDone()).containsExactly(1, 3, 5);
    assertThat(sent).allSatisfy(r -> assertThat(r.getProgress().getRoundsTotal()).isEqualTo(Costs.rounds(PLAN))
        .isGreaterThanOrEqualTo(ProgressReports.MIN_ROUNDS));
  }

  @Test
  void aFewRoundSessionSendsNothing() {
    List<ExecuteReply> sent = new ArrayList<>();
    long[] now = {0};
    IntConsumer report = ProgressReports.to(r -> sent.add(r), SEED, () -> now[0]);
    for (int r = 1; r <= Costs.rounds(SEED); r++) {
      now[0] += 1_000_000_000L;
      report.accept(r);
    }
    assertThat(Costs.rounds(SEED)).isLessThan(ProgressReports.MIN_ROUNDS);
    assertThat(sent).isEmpty();
  }

  @Test
  void aMessageTheStreamCannotTakeIsDroppedNotQueued() {
    long[] now = {0};
    List<Integer> offered = new ArrayList<>();
    IntConsumer report = ProgressReports.to(r -> {
      offered.add(r.getProgress().getRoundsDone());
      return false; // never ready
    }, PLAN, () -> now[0]);
    report.accept(7);
    now[0] += 600_000_000L;
    report.accept(8);
    assertThat(offered).containsExactly(7, 8); // each offered once, nothing held back for later
  }
}
