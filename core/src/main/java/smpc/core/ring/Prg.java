package smpc.core.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A seekable CSPRNG: AES-128 in counter mode keyed by a 16-byte seed. Element k of stream
 * {@code domain} is the k-th little-endian int64 of the keystream whose counter block starts at
 * (domain, 0). Any position can be computed without the ones before it, so a party and the dealer
 * expand the same correlated randomness independently and in any order. The counter blocks are written
 * here and encrypted in ECB mode: on JDK 17 that runs at ~2.5 GB/s with AES-NI, against ~0.47 GB/s for
 * the JDK's CTR mode (measured on the reference machine), with the identical keystream.
 */
public final class Prg {
  public static final int SEED_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public Prg(byte[] seed) {
    if (seed.length != SEED_BYTES) throw new IllegalArgumentException("a seed has 16 bytes, not " + seed.length);
    this.key = new SecretKeySpec(seed, "AES");
  }

  public static byte[] freshSeed() {
    byte[] s = new byte[SEED_BYTES];
    RANDOM.nextBytes(s);
    return s;
  }

  /** Elements [start, start + n) of stream {@code domain}. */
  public long[] longs(int domain, long start, int n) {
    long[] out = new long[n];
    fill(domain, start, out);
    return out;
  }

  public void fill(int domain, long start, long[] out) {
    if (start < 0) throw new IllegalArgumentException("negative stream position " + start);
    int n = out.length;
    if (n == 0) return;
    long firstBlock = start >>> 1;
    int skip = (int) (start & 1) * 8;
    int bytes = skip + n * 8;
    byte[] ks = new byte[(bytes + 15) & ~15];
    ByteBuffer counters = ByteBuffer.wrap(ks); // block j = (domain, 0, firstBlock + j), big-endian
    long high = (long) domain << 32;
    for (int j = 0, blocks = ks.length / 16; j < blocks; j++) counters.putLong(high).putLong(firstBlock + j);
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, key);
      aes.doFinal(ks, 0, ks.length, ks, 0); // E(counter) for every block: the CTR keystream
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
    ByteBuffer.wrap(ks, skip, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
  }
}
