package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;

class PrgTest {
  private static final byte[] SEED = Prg.freshSeed();

  @Seeded(200)
  void anyPositionEqualsTheSameSliceOfTheWholeStream(long seed) {
    Random rnd = new Random(seed);
    slice(rnd.nextInt(101), rnd.nextInt(51));
  }

  @Test
  void theEndsOfBothRangesEqualTheSameSlice() {
    for (int start : new int[] {0, 1, 2, 99, 100}) for (int n : new int[] {0, 1, 2, 49, 50}) slice(start, n);
  }

  static void slice(int start, int n) {
    Prg prg = new Prg(SEED);
    long[] whole = prg.longs(3, 0, start + n);
    assertThat(prg.longs(3, start, n)).as("%d from %d", n, start).containsExactly(Arrays.copyOfRange(whole, start, start + n));
  }

  @Test
  void isDeterministicPerSeedAndSeparatedByDomainAndSeed() {
    assertThat(new Prg(SEED).longs(1, 0, 8)).containsExactly(new Prg(SEED).longs(1, 0, 8));
    assertThat(new Prg(SEED).longs(1, 0, 8)).doesNotContain(new Prg(SEED).longs(2, 0, 8));
    assertThat(new Prg(Prg.freshSeed()).longs(1, 0, 8)).doesNotContain(new Prg(SEED).longs(1, 0, 8));
  }

  /** The stream is exactly AES-128-CTR with counter block (domain, 0, position / 2): checked against the JDK's CTR mode. */
  @Test
  void equalsTheJdksCounterMode() throws Exception {
    javax.crypto.Cipher ctr = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
    byte[] iv = java.nio.ByteBuffer.allocate(16).putInt(5).putInt(0).putLong(1000).array();
    ctr.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(SEED, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
    byte[] ks = ctr.doFinal(new byte[8 * 64]);
    assertThat(new Prg(SEED).longs(5, 2000, 64)).containsExactly(Packing.fromBytes(ks));
    assertThat(new Prg(SEED).longs(5, 2001, 63)).containsExactly(Arrays.copyOfRange(Packing.fromBytes(ks), 1, 64));
  }

  /** Long vectors are produced piece by piece; the pieces join into the same stream, from odd or even starts. */
  @Test
  void longVectorsEqualTheJdksCounterMode() throws Exception {
    javax.crypto.Cipher ctr = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
    byte[] iv = java.nio.ByteBuffer.allocate(16).putInt(2).putInt(0).putLong(7).array();
    ctr.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(SEED, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
    long[] want = Packing.fromBytes(ctr.doFinal(new byte[8 * 20_000]));
    for (int skip : new int[] {0, 1, 4095, 4096, 4097}) {
      for (int n : new int[] {1, 4096, 4097, 8191, 12_000, 20_000 - skip}) {
        if (skip + n > want.length) continue;
        assertThat(new Prg(SEED).longs(2, 14 + skip, n)).containsExactly(Arrays.copyOfRange(want, skip, skip + n));
      }
    }
  }

  @Test
  void bitsAreBalanced() {
    long[] v = new Prg(SEED).longs(7, 0, 100_000);
    long ones = Arrays.stream(v).map(Long::bitCount).sum();
    double expected = 32.0 * v.length, sd = Math.sqrt(64.0 * v.length / 4);
    assertThat(Math.abs(ones - expected)).isLessThan(6 * sd);
  }

  @Test
  void rejectsBadSeeds() {
    assertThatThrownBy(() -> new Prg(new byte[15])).hasMessageContaining("16 bytes");
  }
}
