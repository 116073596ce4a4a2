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

  /** Extreme exponents get an answer at once: 1e-99999999 took minutes to round, 1e999999999 to print. */
  @Test
  void extremeExponentsAreHandledWithoutExpandingThem() {
    assertThat(FixedPoint.encode(new BigDecimal("1e-99999999"), 16, "x")).isZero();
    assertThat(FixedPoint.encode(new BigDecimal("-7e-26"), 62 / 2 - 1, "x")).isZero();
    assertThat(FixedPoint.encode(new BigDecimal("0E-999999999"), 16, "x")).isZero();
    assertThat(FixedPoint.encode(new BigDecimal("1e-20"), 16, "x")).isZero();
    assertThat(FixedPoint.encode(new BigDecimal("1e-5"), 16, "x")).isEqualTo(1); // 0.655 units rounds to 1
    assertThatThrownBy(() -> FixedPoint.encode(new BigDecimal("1e999999999"), 16, "'w'"))
        .hasMessageContaining("'w' is 1E+999999999,");
    assertThatThrownBy(() -> FixedPoint.encode(new BigDecimal("-1e400"), 16, "'w'")).hasMessageContaining("'w' is -1E+400,");
  }

  @Test
  void messagesShowDecimalsShortly() {
    assertThat(FixedPoint.shown(new BigDecimal("1073741824"))).isEqualTo("1073741824");
    assertThat(FixedPoint.shown(new BigDecimal("0.000015"))).isEqualTo("0.000015");
    assertThat(FixedPoint.shown(new BigDecimal("1e40"))).isEqualTo("10000000000000000000000000000000000000000");
    assertThat(FixedPoint.shown(new BigDecimal("1e41"))).isEqualTo("1E+41");
    assertThat(FixedPoint.shown(new BigDecimal("1e-21"))).isEqualTo("1E-21");
    assertThat(FixedPoint.shown(new BigDecimal("1.23456789012345678901234567890"))).isEqualTo("1.2345678901234567890");
  }
}
