package smpc.core.psi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import smpc.core.Errors;

/**
 * Lists of points of Curve25519, each its 32-byte u-coordinate (RFC 7748's encoding), one after the other: what
 * the alignment's messages carry. Multiplication is BouncyCastle's X25519 Montgomery ladder, which works on u
 * alone: no square root to decompress a received point, and about a third of the CPU time of BouncyCastle's
 * secp256k1 multiplication with decompression (docs/performance.md). A u-coordinate stands for ±P; [k](±P) =
 * ±[k]P, so exponents still commute and equal ids still meet.
 */
public final class Points {
  /** Bytes of one point. */
  public static final int BYTES = 32;
  /** Montgomery's A of Curve25519: v^2 = u^3 + A·u^2 + u. */
  private static final int A = 486662;
  private static final byte[] DOMAIN = "smpc-align/curve25519/v1".getBytes(StandardCharsets.UTF_8);

  private Points() {}

  /**
   * H(id) for every id, in order. Try-and-increment: SHA-512 of the domain, a counter and the id gives a
   * u-coordinate (its first 32 bytes, bit 255 cleared); a u that is not below p or not on the curve (it would be
   * on the twist: half of them) is tried again with the next counter. So H is a random oracle onto the curve's
   * points as the analysis assumes; the first key's clamping (a multiple of 8) removes the small-order part, so
   * the lists hold points of the prime-order subgroup. Unlike RFC 9380's map its time depends on the id, which
   * only the party hashing its own ids observes.
   */
  public static byte[] hash(List<String> ids) {
    byte[] out = new byte[ids.size() * BYTES];
    IntStream.range(0, ids.size()).parallel().forEach(i -> {
      MessageDigest sha = sha512();
      byte[] id = ids.get(i).getBytes(StandardCharsets.UTF_8);
      for (int counter = 0; ; counter++) {
        sha.update(DOMAIN);
        sha.update((byte) counter);
        byte[] h = sha.digest(id);
        h[31] &= 0x7f;
        if (canonical(h, 0) && onCurve(h, 0)) {
          System.arraycopy(h, 0, out, i * BYTES, BYTES);
          return;
        }
      }
    });
    return out;
  }

  /**
   * Every point of {@code list} multiplied by the key (written multiplicatively in the docs: P^k), in order. A
   * received point must be a canonical u of the curve (not of its twist) and not of small order, else the
   * sender ({@code from}) sent garbage: refused rather than computed on. {@code from} is null for this party's
   * own hashed ids, which {@link #hash} made valid points.
   */
  public static byte[] power(byte[] list, Key k, String from) {
    int n = count(list, from);
    byte[] out = new byte[n * BYTES];
    byte[] scalar = k.scalar();
    IntStream.range(0, n).parallel().forEach(i -> {
      boolean valid = from == null || canonical(list, i * BYTES) && onCurve(list, i * BYTES); // own hashes are points already
      if (!valid) throw Errors.invalid("party %s sent a value that is not a point of the curve", from);
      X25519.scalarMult(scalar, 0, list, i * BYTES, out, i * BYTES);
      if (isZero(out, i * BYTES)) throw Errors.invalid("party %s sent a point of small order", from);
    });
    return out;
  }

  /** The list's points in increasing order of their encodings: a permutation nobody but the sorter can undo. */
  public static byte[] sorted(byte[] list) {
    return Records.permuted(list, Records.order(list, BYTES), BYTES);
  }

  /** The number of points in a received list; a length that is not whole points is the sender's error. */
  static int count(byte[] list, String from) {
    if (list.length % BYTES != 0) throw Errors.invalid("party %s sent %d bytes, not whole points of %d", from, list.length, BYTES);
    return list.length / BYTES;
  }

  /** u < p = 2^255 − 19 with bit 255 clear: the one encoding of each u (X25519 itself would accept others). */
  private static boolean canonical(byte[] b, int off) {
    if ((b[off + 31] & 0x80) != 0) return false;
    if ((b[off + 31] & 0xff) != 0x7f || (b[off] & 0xff) < 0xed) return true;
    for (int i = 1; i < 31; i++) if ((b[off + i] & 0xff) != 0xff) return true;
    return false;
  }

  /** u^3 + A·u^2 + u is a square: u is the u-coordinate of a point of the curve rather than of its twist. */
  private static boolean onCurve(byte[] b, int off) {
    int[] u = X25519Field.create(), t = X25519Field.create(), au = X25519Field.create(), one = X25519Field.create();
    X25519Field.decode(b, off, u);
    X25519Field.sqr(u, t);
    X25519Field.mul(u, A, au);
    X25519Field.add(t, au, t);
    X25519Field.addOne(t);
    X25519Field.mul(t, u, t);
    X25519Field.one(one);
    return X25519Field.sqrtRatioVar(t, one, au);
  }

  private static boolean isZero(byte[] b, int off) {
    int acc = 0;
    for (int i = 0; i < BYTES; i++) acc |= b[off + i];
    return acc == 0;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
