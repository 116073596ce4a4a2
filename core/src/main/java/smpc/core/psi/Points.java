package smpc.core.psi;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import smpc.core.Errors;

/**
 * Lists of points of secp256k1 (prime order, cofactor 1; BouncyCastle's arithmetic with its GLV endomorphism),
 * packed as 33-byte compressed encodings one after the other: what the alignment's messages carry.
 */
public final class Points {
  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECCurve CURVE = PARAMS.getCurve();
  /** The group order: exponents are taken modulo it. */
  static final BigInteger ORDER = PARAMS.getN();
  /** Bytes of one compressed point. */
  public static final int BYTES = 33;
  private static final byte[] DOMAIN = "smpc-align/secp256k1/v1".getBytes(StandardCharsets.UTF_8);

  private Points() {}

  /** A fresh secret exponent, uniform in [1, order). */
  public static BigInteger key(SecureRandom random) {
    BigInteger k;
    do {
      k = new BigInteger(ORDER.bitLength(), random);
    } while (k.signum() == 0 || k.compareTo(ORDER) >= 0);
    return k;
  }

  /**
   * H(id) for every id, in order. Try-and-increment: SHA-512 of the domain, a counter and the id gives an
   * x-coordinate (its first 32 bytes) and the sign of y (byte 32); an x with no point is tried again with
   * the next counter (half of them). So H is a random oracle onto the curve's points as the analysis assumes;
   * unlike RFC 9380's map its time depends on the id, which only the party hashing its own ids observes.
   */
  public static byte[] hash(List<String> ids) {
    byte[] out = new byte[ids.size() * BYTES];
    IntStream.range(0, ids.size()).parallel().forEach(i -> {
      MessageDigest sha = sha512();
      byte[] id = ids.get(i).getBytes(StandardCharsets.UTF_8);
      byte[] enc = new byte[BYTES];
      for (int counter = 0; ; counter++) {
        sha.update(DOMAIN);
        sha.update((byte) counter);
        byte[] h = sha.digest(id);
        enc[0] = (byte) (2 | (h[32] & 1));
        System.arraycopy(h, 0, enc, 1, 32);
        if (new BigInteger(1, h, 0, 32).compareTo(CURVE.getField().getCharacteristic()) >= 0) continue;
        try {
          CURVE.decodePoint(enc);
        } catch (IllegalArgumentException notOnCurve) {
          continue;
        }
        System.arraycopy(enc, 0, out, i * BYTES, BYTES);
        return;
      }
    });
    return out;
  }

  /** Every point of {@code list} multiplied by {@code k} (written multiplicatively in the docs: P^k), in order. */
  public static byte[] power(byte[] list, BigInteger k, String from) {
    int n = count(list, from);
    ECPoint[] out = new ECPoint[n];
    IntStream.range(0, n).parallel().forEach(i -> out[i] = decode(list, i, from).multiply(k));
    CURVE.normalizeAll(out); // one field inversion for the whole list (Montgomery's trick) instead of one per point
    byte[] enc = new byte[n * BYTES];
    IntStream.range(0, n).parallel().forEach(i -> System.arraycopy(out[i].getEncoded(true), 0, enc, i * BYTES, BYTES));
    return enc;
  }

  /** The list's points in increasing order of their encodings: a permutation nobody but the sorter can undo. */
  public static byte[] sorted(byte[] list) {
    int n = list.length / BYTES;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> compare(list, a, list, b));
    byte[] out = new byte[list.length];
    for (int i = 0; i < n; i++) System.arraycopy(list, order[i] * BYTES, out, i * BYTES, BYTES);
    return out;
  }

  static int compare(byte[] a, int i, byte[] b, int j) {
    return Arrays.compareUnsigned(a, i * BYTES, (i + 1) * BYTES, b, j * BYTES, (j + 1) * BYTES);
  }

  /** The number of points in a received list; a length that is not whole points is the sender's error. */
  static int count(byte[] list, String from) {
    if (list.length % BYTES != 0) throw Errors.invalid("party %s sent %d bytes, not whole points of %d", from, list.length, BYTES);
    return list.length / BYTES;
  }

  private static ECPoint decode(byte[] list, int i, String from) {
    try {
      ECPoint p = CURVE.decodePoint(Arrays.copyOfRange(list, i * BYTES, (i + 1) * BYTES));
      if (p.isInfinity()) throw new IllegalArgumentException("the point at infinity");
      return p;
    } catch (IllegalArgumentException e) {
      throw Errors.invalid("party %s sent an invalid curve point (%s)", from, e.getMessage());
    }
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
