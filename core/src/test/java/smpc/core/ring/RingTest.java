package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;

class RingTest {
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

  /** Reference: the ring operation on unbounded integers, reduced mod 2^64 and read as signed. */
  private static long ref(BigInteger v) {
    return v.mod(MOD).longValue();
  }

  @Seeded(1000)
  void addSubMulNegMatchArithmeticModulo2To64(long seed) {
    Random rnd = new Random(seed);
    addSubMulNeg(Seeds.anyLong(rnd), Seeds.anyLong(rnd));
  }

  @Test
  void addSubMulNegAtEveryPairOfEdges() {
    for (long x : Seeds.EDGES) for (long y : Seeds.EDGES) addSubMulNeg(x, y);
  }

  static void addSubMulNeg(long x, long y) {
    BigInteger bx = BigInteger.valueOf(x), by = BigInteger.valueOf(y);
    assertThat(Ring.add(new long[] {x}, new long[] {y})[0]).as("%d + %d", x, y).isEqualTo(ref(bx.add(by)));
    assertThat(Ring.sub(new long[] {x}, new long[] {y})[0]).as("%d - %d", x, y).isEqualTo(ref(bx.subtract(by)));
    assertThat(Ring.mul(new long[] {x}, new long[] {y})[0]).as("%d * %d", x, y).isEqualTo(ref(bx.multiply(by)));
    assertThat(Ring.neg(new long[] {x})[0]).isEqualTo(ref(bx.negate()));
  }

  @Seeded(1000)
  void scalarBroadcastsOnEitherSide(long seed) {
    Random rnd = new Random(seed);
    scalarBroadcasts(Seeds.longs(rnd, 1, 20), Seeds.anyLong(rnd));
  }

  @Test
  void scalarBroadcastsAtTheEdges() {
    for (long[] v : Seeds.edgeVectors(1)) for (long c : Seeds.EDGES) scalarBroadcasts(v, c);
  }

  static void scalarBroadcasts(long[] v, long c) {
    long[] left = Ring.mul(new long[] {c}, v), right = Ring.sub(v, new long[] {c});
    for (int i = 0; i < v.length; i++) {
      assertThat(left[i]).isEqualTo(c * v[i]);
      assertThat(right[i]).isEqualTo(v[i] - c);
    }
  }

  @Seeded(1000)
  void sumWrapsAround(long seed) {
    sumWraps(Seeds.longs(new Random(seed), 0, 30));
  }

  @Test
  void sumWrapsAroundAtTheEdges() {
    Seeds.edgeVectors(0).forEach(RingTest::sumWraps);
    sumWraps(new long[] {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE});
  }

  static void sumWraps(long[] v) {
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
