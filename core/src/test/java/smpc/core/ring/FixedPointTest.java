package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;

class FixedPointTest {
  static final double MAX = 1e9;

  @Seeded(1000)
  void encodeThenDecodeIsWithinHalfAUnit(long seed) {
    Random rnd = new Random(seed);
    double x = switch (rnd.nextInt(4)) {
      case 0 -> Math.round((rnd.nextDouble() * 2 - 1) * MAX * 100) / 100.0; // two decimals
      case 1 -> (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(10)); // any magnitude
      case 2 -> (rnd.nextInt(2001) - 1000) / 65536.0 + rnd.nextInt(3) / 131072.0; // on and between units
      default -> (rnd.nextDouble() * 2 - 1) * MAX;
    };
    encodeThenDecode(x);
  }

  @Test
  void encodeThenDecodeAtTheEdges() {
    for (double x : new double[] {0, -0.0, 1, -1, 0.01, -0.01, 0.5 / 65536, -0.5 / 65536, 1.5 / 65536, Double.MIN_VALUE,
        -Double.MIN_VALUE, MAX, -MAX, Math.nextDown(MAX), Math.nextUp(-MAX)}) {
      encodeThenDecode(x);
    }
  }

  static void encodeThenDecode(double x) {
    long v = FixedPoint.encode(new BigDecimal(x), 16, "x");
    assertThat(FixedPoint.decode(v, 16).doubleValue()).as("x=%s", x).isCloseTo(x, org.assertj.core.data.Offset.offset(0.5 / 65536 + Math.ulp(x)));
  }

  @Test
  void displaysAsManyDigitsAsThePrecisionCarries() {
    assertThat(FixedPoint.display(FixedPoint.encode(new BigDecimal("3.75"), 16, "x"), 16, 16).toPlainString()).isEqualTo("3.75");
    assertThat(FixedPoint.display(245760L << 16, 32, 16).toPlainString()).isEqualTo("3.75"); // 3.75 at 2f bits
    assertThat(FixedPoint.display(FixedPoint.encode(new BigDecimal("-0.1"), 16, "x"), 16, 16).toPlainString()).isEqualTo("-0.1");
    assertThat(FixedPoint.display(42, 0, 16).toPlainString()).isEqualTo("42");
    assertThat(FixedPoint.display(3L << 16, 16, 16).toPlainString()).isEqualTo("3");
  }

  @Test
  void outOfRangeRealsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> FixedPoint.encode(new BigDecimal("1073741824"), 16, "'w'"))
        .hasMessageContaining("value out of range: 'w' is 1073741824").hasMessageContaining("below 2^30");
    assertThat(FixedPoint.encode(new BigDecimal("-1073741823.99"), 16, "x")).isNegative();
  }
}
