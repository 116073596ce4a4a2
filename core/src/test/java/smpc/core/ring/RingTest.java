package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RingTest {
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

  /** Reference: the ring operation on unbounded integers, reduced mod 2^64 and read as signed. */
  private static long ref(BigInteger v) {
    return v.mod(MOD).longValue();
  }

  @Property
  void addSubMulNegMatchArithmeticModulo2To64(@ForAll long x, @ForAll long y) {
    BigInteger bx = BigInteger.valueOf(x), by = BigInteger.valueOf(y);
    assertThat(Ring.add(new long[] {x}, new long[] {y})[0]).isEqualTo(ref(bx.add(by)));
    assertThat(Ring.sub(new long[] {x}, new long[] {y})[0]).isEqualTo(ref(bx.subtract(by)));
    assertThat(Ring.mul(new long[] {x}, new long[] {y})[0]).isEqualTo(ref(bx.multiply(by)));
    assertThat(Ring.neg(new long[] {x})[0]).isEqualTo(ref(bx.negate()));
  }

  @Property
  void scalarBroadcastsOnEitherSide(@ForAll @Size(min = 1, max = 20) long[] v, @ForAll long c) {
    long[] left = Ring.mul(new long[] {c}, v), right = Ring.sub(v, new long[] {c});
    for (int i = 0; i < v.length; i++) {
      assertThat(left[i]).isEqualTo(c * v[i]);
      assertThat(right[i]).isEqualTo(v[i] - c);
    }
  }

  @Property
  void sumWrapsAround(@ForAll @Size(max = 30) long[] v) {
    BigInteger s = BigInteger.ZERO;
    for (long x : v) s = s.add(BigInteger.valueOf(x));
    assertThat(Ring.sum(v)).isEqualTo(ref(s));
  }

  @Test
  void mismatchedLengthsNameBoth() {
    assertThatThrownBy(() -> Ring.add(new long[3], new long[2])).hasMessageContaining("3 and 2");
  }

  @Test
  void wrapAroundAtTheEnds() {
    assertThat(Ring.add(new long[] {Long.MAX_VALUE}, new long[] {1})[0]).isEqualTo(Long.MIN_VALUE);
    assertThat(Ring.mul(new long[] {1L << 32}, new long[] {1L << 32})[0]).isZero();
  }
}
