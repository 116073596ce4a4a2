package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Real inputs that fixed-point encoding turns into 0, or robs of more than half their digits, are warned of. */
class InputPrecisionTest {
  static String warn(String text) {
    BigDecimal x = new BigDecimal(text);
    return InputPrecision.warning(text, x, smpc.core.ring.FixedPoint.encode(x, 16, text), 16);
  }

  @Test
  void zeroAndHeavyLossAreWarnedOf() {
    assertThat(warn("1e-9")).isEqualTo("1e-9 is stored as 0: reals are kept in steps of 2^-16 (about 0.000015); scale the data up");
    assertThat(warn("0.000001")).startsWith("0.000001 is stored as 0:");
    assertThat(warn("0.00001234567")).startsWith("0.00001234567 is stored as 0.00001525879 (0 of its 7 significant digits kept)");
  }

  @Test
  void ordinaryInputsAreNot() {
    for (String ok : new String[] {"0", "2.5", "-0.5", "100", "0.01", "1.5", "3.14159", "123456.789", "0.0001"}) {
      assertThat(warn(ok)).as(ok).isNull();
    }
  }

  @Test
  void anExpressionsLiteralsAreWarnedOfOnceEach() {
    assertThat(InputPrecision.literals("x * 1e-99999999 + 2.5 - 1e-99999999", 16)).containsExactly(
        "the literal 1E-99999999 is stored as 0: reals are kept in steps of 2^-16 (about 0.000015); scale the data up");
    assertThat(InputPrecision.literals("sigmoid(-0.000001) * (x + 1e-9)", 16)).hasSize(2);
    assertThat(InputPrecision.literals("x * 0.5 + 3 - sum(v) / 2.25", 16)).isEmpty();
    assertThat(InputPrecision.literals("x * (", 16)).as("the compiler reports a syntax error").isEmpty();
    assertThat(InputPrecision.literals("x * 1e400", 16)).as("the compiler reports the range").isEmpty();
  }
}
