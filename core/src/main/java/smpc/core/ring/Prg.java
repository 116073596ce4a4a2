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

  /**
   * Keystream bytes per AES call. Working piecewise keeps the counter and keystream buffers in cache and
   * never allocates vector-sized temporaries; separate input and output buffers matter too: the JDK copies
   * (and afterwards zeroes) the whole input when a cipher works in place.
   */
  private static final int PIECE = 1 << 15;

  /**
   * One cipher object per thread, re-keyed per call: {@code Cipher.getInstance} parses the transformation and
   * searches the providers each time, which was a third of a party's and half the dealer's CPU in a
   * one-element session (W1). Re-keying with the same key skips the key expansion (the JDK's AES keeps it).
   */
  private static final ThreadLocal<Cipher> AES = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/ECB/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  });

  public void fill(int domain, long start, long[] out) {
    if (start < 0) throw new IllegalArgumentException("negative stream position " + start);
    int n = out.length;
    if (n == 0) return;
    long first = start & ~1L; // keystream long where the first block starts
    long end = start + n; // keystream longs [first, end) are needed
    int piece = (int) Math.min(PIECE, ((end - first) * 8 + 15) & ~15L); // a short stream needs no 64 KB of buffers
    byte[] counters = new byte[piece], ks = new byte[piece];
    ByteBuffer ctr = ByteBuffer.wrap(counters); // block j = (domain, 0, j), big-endian
    java.nio.LongBuffer keys = ByteBuffer.wrap(ks).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    long high = (long) domain << 32;
    try {
      Cipher aes = AES.get();
      aes.init(Cipher.ENCRYPT_MODE, key);
      for (long pos = first; pos < end; pos += piece / 8) {
        int longs = (int) Math.min(piece / 8, end - pos), bytes = (longs * 8 + 15) & ~15;
        ctr.clear();
        for (long block = pos >>> 1, last = block + bytes / 16; block < last; block++) ctr.putLong(high).putLong(block);
        aes.update(counters, 0, bytes, ks, 0); // E(counter) for every block: the CTR keystream
        int skip = (int) Math.max(0, start - pos); // only in the first piece: an odd start drops one long
        keys.position(skip);
        keys.get(out, (int) (pos + skip - start), longs - skip);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  }
}
