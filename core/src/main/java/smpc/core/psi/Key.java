package smpc.core.psi;

import java.math.BigInteger;
import java.util.Random;

/**
 * A party's secret exponent k for one alignment, usable by X25519's ladder. The ladder (RFC 7748) always clamps
 * its scalar: bits 0–2 cleared, bit 254 set, bit 255 cleared, so it multiplies by some c = 2^254 + 8m. On points of
 * the prime-order subgroup (order L) c acts as c mod L, and the factor 8 also clears a hashed point's small-order
 * part. The ring's strip step needs k^-1, so a key is drawn until its inverse mod L also has a clamped
 * representative (c' ≡ k^-1 mod L, c' ≡ 0 mod 8, 2^254 ≤ c' < 2^255: about one draw in two).
 */
public final class Key {
  /** The order L = 2^252 + 27742317777372353535851937790883648493 of Curve25519's prime-order subgroup. */
  static final BigInteger ORDER = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final BigInteger EIGHT = BigInteger.valueOf(8);
  private static final BigInteger LOW = BigInteger.ONE.shiftLeft(254);
  private static final BigInteger HIGH = BigInteger.ONE.shiftLeft(255);

  private final BigInteger value;
  private final byte[] scalar;

  private Key(BigInteger clamped) {
    this.value = clamped.mod(ORDER);
    this.scalar = littleEndian(clamped);
  }

  /** A fresh key, uniform among clamped scalars whose inverse is clamped too; {@code random} is a SecureRandom outside tests. */
  public static Key random(Random random) {
    while (true) {
      BigInteger c = new BigInteger(251, random).shiftLeft(3).or(LOW);
      if (representative(c.mod(ORDER).modInverse(ORDER)) != null) return new Key(c);
    }
  }

  /** The key k^-1 mod L (for the strip step: it undoes this key on prime-order points). */
  public Key inverse() {
    return new Key(representative(value.modInverse(ORDER)));
  }

  /** The 32-byte little-endian scalar X25519 takes. */
  byte[] scalar() {
    return scalar;
  }

  /** The clamped scalar that is e mod L and 0 mod 8 (CRT), or null when it falls outside [2^254, 2^255). */
  private static BigInteger representative(BigInteger e) {
    // c = e + L·t with t ≡ −e·L^-1 (mod 8) is 0 mod 8; it is the only such c in [0, 8L)
    BigInteger t = e.negate().multiply(ORDER.modInverse(EIGHT)).mod(EIGHT);
    BigInteger c = e.add(ORDER.multiply(t));
    return c.compareTo(LOW) >= 0 && c.compareTo(HIGH) < 0 ? c : null;
  }

  private static byte[] littleEndian(BigInteger c) {
    byte[] big = c.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < 32 && i < big.length; i++) out[i] = big[big.length - 1 - i];
    return out;
  }
}
