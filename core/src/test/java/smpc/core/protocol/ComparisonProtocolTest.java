package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.core.ring.Packing;
import smpc.core.ring.Prg;
import smpc.core.testing.Seeded;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/** Comparisons through the real plan runner (n parties in memory), exact against plain {@code long}. */
class ComparisonProtocolTest {
  static final long LIMIT = 1L << 62; // documented range of compared values: |x|, |y| < 2^62

  /** Interesting pairs: equal, zero, one step apart, the range ends; then random ones. */
  static long[][] pairs(Random rnd, int n) {
    List<long[]> p = new ArrayList<>(List.of(new long[] {0, 0}, new long[] {1, 0}, new long[] {0, 1}, new long[] {-1, 0},
        new long[] {0, -1}, new long[] {LIMIT - 1, LIMIT - 2}, new long[] {-LIMIT + 1, -LIMIT + 2},
        new long[] {LIMIT - 1, -LIMIT + 1}, new long[] {-LIMIT + 1, LIMIT - 1}, new long[] {7, 7}, new long[] {-7, -7}));
    while (p.size() < n) {
      long a = rnd.nextLong() >> (1 + rnd.nextInt(60)) + 1;
      long b = switch (rnd.nextInt(4)) {
        case 0 -> a;
        case 1 -> a + (rnd.nextBoolean() ? 1 : -1);
        default -> rnd.nextLong() >> (2 + rnd.nextInt(60));
      };
      p.add(new long[] {a, b});
    }
    return p.toArray(long[][]::new);
  }

  static long[] eval(String expr, int n, long[] x, long[] y) {
    return ProtocolTest.evaluate(expr, n, Map.of("x0", new ProtocolTest.Input(0, x), "x1", new ProtocolTest.Input(n - 1, y)), null);
  }

  @Seeded(value = 3, parties = {2, 3, 4, 5})
  void everyComparisonOperatorIsExact(int n, long seed) {
    long[][] p = pairs(new Random(seed), 60);
    long[] x = Arrays.stream(p).mapToLong(v -> v[0]).toArray(), y = Arrays.stream(p).mapToLong(v -> v[1]).toArray();
    // all six operators in one plan: one COMPARE instruction, the same 8 rounds
    long[] got = eval("(x0 < x1) + 2*(x0 <= x1) + 4*(x0 > x1) + 8*(x0 >= x1) + 16*(x0 == x1) + 32*(x0 != x1)", n, x, y);
    for (int i = 0; i < x.length; i++) {
      long want = (x[i] < y[i] ? 1 : 0) + 2 * (x[i] <= y[i] ? 1 : 0) + 4 * (x[i] > y[i] ? 1 : 0)
          + 8 * (x[i] >= y[i] ? 1 : 0) + 16 * (x[i] == y[i] ? 1 : 0) + 32 * (x[i] != y[i] ? 1 : 0);
      assertThat(got[i]).as("x=%d y=%d", x[i], y[i]).isEqualTo(want);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5})
  void selectionsAndTheFunctionsBuiltOnComparison(int n) {
    long[][] p = pairs(new Random(n), 40);
    long[] x = Arrays.stream(p).mapToLong(v -> v[0] >> 1).toArray(), y = Arrays.stream(p).mapToLong(v -> v[1] >> 1).toArray();
    long[] max = eval("max(x0, x1)", n, x, y), viaSelect = eval("(x0 > x1) * x0 + (x0 <= x1) * x1", n, x, y);
    long[] min = eval("min(x0, x1)", n, x, y), where = eval("where(x0 < x1, x0, x1)", n, x, y);
    long[] abs = eval("abs(x0)", n, x, y), sign = eval("sign(x0)", n, x, y), relu = eval("relu(x0)", n, x, y);
    for (int i = 0; i < x.length; i++) {
      assertThat(max[i]).isEqualTo(Math.max(x[i], y[i]));
      assertThat(viaSelect[i]).isEqualTo(max[i]);
      assertThat(min[i]).isEqualTo(Math.min(x[i], y[i]));
      assertThat(where[i]).isEqualTo(Math.min(x[i], y[i]));
      assertThat(abs[i]).isEqualTo(Math.abs(x[i]));
      assertThat(sign[i]).isEqualTo(Long.signum(x[i]));
      assertThat(relu[i]).isEqualTo(Math.max(0, x[i]));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 16, 33})
  void vectorMaximumMinimumAndTheirIndex(int len) {
    Random rnd = new Random(len);
    long[] v = rnd.longs(len, -50, 50).toArray(); // small range: ties happen
    if (len > 3) v[len - 1] = v[1]; // a tie with an earlier element
    for (int n : new int[] {2, 3}) {
      long[] got = eval("max(x0) + 1000 * min(x0) + 1000000 * argmax(x0) + 100000000 * argmin(x0)", n, v, new long[] {0});
      long max = Arrays.stream(v).max().orElseThrow(), min = Arrays.stream(v).min().orElseThrow();
      int argmax = 0, argmin = 0;
      for (int i = 0; i < len; i++) {
        if (v[i] > v[argmax]) argmax = i;
        if (v[i] < v[argmin]) argmin = i;
      }
      assertThat(got).containsExactly(max + 1000 * min + 1000000L * argmax + 100000000L * argmin);
    }
  }

  @Test
  void theSignOfASingleValueIsExactOnTheWholeRing() {
    long[] x = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, Long.MIN_VALUE + 1};
    long[] sign = eval("sign(x0)", 3, x, new long[] {0});
    for (int i = 0; i < x.length; i++) assertThat(sign[i]).isEqualTo(Long.signum(x[i]));
  }

  /** Everything opened during a comparison (c = x + r, the AND masks, e = bit ^ b) looks uniform whatever x is. */
  @Test
  void comparisonOpeningsLookUniformWhateverTheInputs() {
    List<String> parties = ProtocolTest.parties(3);
    for (long v : new long[] {0, -5, 1L << 40}) {
      long[] x = new long[256];
      Arrays.fill(x, v);
      Plan plan = Plan.newBuilder()
          .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x0").setParty(parties.get(0)))
          .addInstrs(Instr.newBuilder().setOp(Op.COMPARE).addDst(1).addSrc(0).setModes(com.google.protobuf.ByteString.copyFrom(new byte[] {0})))
          .addAllMaterial(Material.counts(Map.of(Material.COMPARE, 256L, Material.AND_PAIR, Costs.andPairsPerCompare(256)))).build();
      List<LocalProtocol.Message> log = new ArrayList<>();
      LocalProtocol.run(plan, parties, ProtocolTest.stores(parties, Map.of("x0", new ProtocolTest.Input(0, x))), log);
      long ones = 0, bits = 0, eOnes = 0, eCount = 0;
      for (LocalProtocol.Message m : log) {
        long[] words = Packing.fromBytes(m.payload());
        if (m.tag().startsWith("e/")) { // one bit per element (64 to a word), masked by the daBit
          assertThat(words).hasSize(256 / 64);
          for (long w : words) {
            eOnes += Long.bitCount(w);
            eCount += 64;
          }
        } else if (m.tag().startsWith("c/") || m.tag().startsWith("a")) {
          for (long w : words) ones += Long.bitCount(w);
          bits += 64L * words.length;
        }
      }
      assertThat(Math.abs(ones - bits / 2.0)).as("opened words for x=%d", v).isLessThan(6 * Math.sqrt(bits / 4.0));
      assertThat(Math.abs(eOnes - eCount / 2.0)).as("opened bits for x=%d", v).isLessThan(6 * Math.sqrt(eCount / 4.0));
    }
  }

  /** The packed tree on every length around its word boundaries, both modes, against plain long: the whole ring for x < 0. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 31, 63, 64, 65, 127, 128, 129, 200, 1000})
  void comparisonsOfEveryLengthAreExact(int len) {
    Random rnd = new Random(len);
    long[] x = new long[len];
    for (int i = 0; i < len; i++) {
      x[i] = switch (rnd.nextInt(6)) {
        case 0 -> 0;
        case 1 -> rnd.nextInt(5) - 2;
        case 2 -> rnd.nextBoolean() ? Long.MIN_VALUE + rnd.nextInt(3) : Long.MAX_VALUE - rnd.nextInt(3);
        case 3 -> 1L << rnd.nextInt(64);
        default -> rnd.nextLong() >> rnd.nextInt(64);
      };
    }
    for (int n : new int[] {2, 3}) {
      long[] got = eval("sign(x0) + 4 * (x0 == x1)", n, x, new long[] {0});
      for (int i = 0; i < len; i++) {
        assertThat(got[i]).as("x=%d (%d parties, %d elements)", x[i], n, len).isEqualTo(Long.signum(x[i]) + 4 * (x[i] == 0 ? 1 : 0));
      }
    }
  }

  @Test
  void evenBitsAreGatheredInOrder() {
    Random rnd = new Random(1);
    for (int k = 0; k < 1000; k++) {
      long w = rnd.nextLong(), want = 0;
      for (int i = 0; i < 32; i++) want |= ((w >>> (2 * i)) & 1) << i;
      assertThat(Comparison.even(w)).isEqualTo(want);
    }
    assertThat(Comparison.andPairs(1)).isEqualTo(6);
    assertThat(Comparison.andPairs(100_000)).isEqualTo(50_000 + 25_000 + 12_500 + 6_250 + 3_125 + 1_563);
  }

  @Test
  void dealerMaterialIsConsistent() {
    byte[][] seeds = {Prg.freshSeed(), Prg.freshSeed(), Prg.freshSeed()};
    byte[] own = Prg.freshSeed();
    long[][] corr = Streams.bitsCorrections(seeds, own, 5, 100);
    long[] and0 = Streams.andCorrections(seeds, 9, 100);
    for (int k = 0; k < 100; k++) {
      long r = 0, rb = corr[0][k], bb = corr[1][k], ba = corr[2][k], a = 0, b = 0, c = and0[k];
      for (int i = 0; i < 3; i++) {
        long[][] s = Streams.bitsShares(seeds[i], i == 0, 5, 100);
        long[][] t = Streams.andShares(seeds[i], i == 0, 9, 100);
        r += s[0][k];
        a ^= t[0][k];
        b ^= t[1][k];
        if (i > 0) {
          rb ^= s[1][k];
          bb ^= s[2][k];
          ba += s[3][k];
          c ^= t[2][k];
        }
      }
      assertThat(rb).as("edaBit: the XOR-shared bits are r's").isEqualTo(r);
      assertThat(bb).isBetween(0L, 1L);
      assertThat(ba).as("daBit: both sharings hold the same bit").isEqualTo(bb);
      assertThat(c).isEqualTo(a & b);
    }
  }
}
