package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.proto.TruncRun;

/** The bits each truncation pair drops, and which TRUNC instructions may take which pairs. */
class TruncScheduleTest {
  private static TruncRun run(int count, int bits) {
    return TruncRun.newBuilder().setCount(count).setBits(bits).build();
  }

  /** Pairs 0-1 drop 16 bits, pair 2 drops 8, pairs 3-5 drop 16 again. */
  private static final TruncSchedule SCHEDULE = TruncSchedule.of(List.of(run(2, 16), run(1, 8), run(3, 16)), 16);

  @Test
  void eachPairDropsTheBitsOfItsRun() {
    assertThat(new int[] {SCHEDULE.bitsAt(0), SCHEDULE.bitsAt(1), SCHEDULE.bitsAt(2), SCHEDULE.bitsAt(3), SCHEDULE.bitsAt(5)})
        .containsExactly(16, 16, 8, 16, 16);
    assertThatThrownBy(() -> SCHEDULE.bitsAt(6)).hasMessage("truncation pair 6 beyond the plan's schedule");
  }

  @Test
  void aTruncationMayTakeOnlyPairsThatAllDropItsBits() {
    assertThat(SCHEDULE.drops(0, 2, 16)).isTrue();
    assertThat(SCHEDULE.drops(2, 1, 8)).isTrue();
    assertThat(SCHEDULE.drops(3, 3, 16)).isTrue();
    assertThat(SCHEDULE.drops(0, 0, 8)).isTrue(); // nothing taken
    // both ends drop 16 bits, but pair 2 in between drops 8: refused
    assertThat(SCHEDULE.drops(0, 6, 16)).isFalse();
    assertThat(SCHEDULE.drops(1, 3, 16)).isFalse();
    assertThat(SCHEDULE.drops(0, 2, 8)).isFalse();
    assertThatThrownBy(() -> SCHEDULE.drops(4, 3, 16)).hasMessage("truncation pair 6 beyond the plan's schedule");
  }

  @Test
  void withoutRunsEveryPairDropsTheDefault() {
    TruncSchedule uniform = TruncSchedule.of(List.of(), 16);
    assertThat(uniform.drops(0, 1_000_000, 16)).isTrue();
    assertThat(uniform.drops(5, 1, 8)).isFalse();
  }
}
