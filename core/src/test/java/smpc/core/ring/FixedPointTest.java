package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class FixedPointTest {
  @Property
  void encodeThenDecodeIsWithinHalfAUnit(@ForAll @DoubleRange(min = -1e9, max = 1e9) double x) {
    long v = FixedPoint.encode(new BigDecimal(x), 16, "x");
    assertThat(FixedPoint.decode(v, 16).doubleValue()).isCloseTo(x, org.assertj.core.data.Offset.offset(0.5 / 65536 + Math.ulp(x)));
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
