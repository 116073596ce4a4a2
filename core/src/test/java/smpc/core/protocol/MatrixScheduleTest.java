package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.proto.MatShape;

/** What a session's matrix triples may cost the dealer: elements and multiply-adds are both bounded. */
class MatrixScheduleTest {
  private static MatShape shape(long n, long m, long k) {
    return MatShape.newBuilder().setN(n).setM(m).setK(k).build();
  }

  @Test
  void productsUpToTheWorkBoundAreTaken() {
    assertThat(MatrixSchedule.of(List.of(shape(1024, 1024, 2048))).size()).isEqualTo(1); // exactly 2^31
    assertThat(MatrixSchedule.of(List.of(shape(32, 30, 1), shape(30, 32, 1))).size()).isEqualTo(2);
  }

  @Test
  void oneLargeProductOrManySmallerOnesBeyondItAreRefused() {
    assertThatThrownBy(() -> MatrixSchedule.of(List.of(shape(2048, 2048, 2048)))).hasMessageContaining(
        "matrix products of 8589934592 multiply-adds in one session, more than the dealer's 2147483648: split the computation");
    assertThatThrownBy(() -> MatrixSchedule.of(List.of(shape(1024, 1024, 1024), shape(1024, 1024, 1024), shape(1, 1, 1))))
        .hasMessageContaining("more than the dealer's");
  }
}
