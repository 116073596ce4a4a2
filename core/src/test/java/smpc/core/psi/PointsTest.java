package smpc.core.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.core.testing.Seeded;

/** Curve25519 u-coordinates against plain BigInteger arithmetic mod p. */
class PointsTest {
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

  /** Every hashed id is a canonical u of the curve: u^3 + A u^2 + u is a square mod p (Euler's criterion). */
  @Seeded(3)
  void hashesLandOnTheCurve(long seed) {
    Random rnd = new Random(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) ids.add("id-" + rnd.nextLong());
    byte[] h = Points.hash(ids);
    for (int i = 0; i < ids.size(); i++) {
      BigInteger u = u(h, i);
      assertEquals(1, u.compareTo(BigInteger.ZERO) > 0 && u.compareTo(P) < 0 ? 1 : 0, "u out of range for " + ids.get(i));
      assertEquals(BigInteger.ONE, legendre(rhs(u)), "hash of " + ids.get(i) + " is on the twist");
    }
    assertArrayEquals(h, Points.hash(ids), "hashing is not deterministic");
  }

  /** Exponents commute, and a key's inverse undoes it, on the prime-order points the protocol moves. */
  @Seeded(3)
  void keysCommuteAndInvert(long seed) {
    Random rnd = new Random(seed);
    Key a = Key.random(rnd), b = Key.random(rnd);
    byte[] h = Points.hash(List.of("x", "y", "z", String.valueOf(seed)));
    byte[] ha = Points.power(h, a, "test");
    assertArrayEquals(Points.power(ha, b, "test"), Points.power(Points.power(h, b, "test"), a, "test"));
    assertArrayEquals(ha, Points.power(Points.power(ha, b, "test"), b.inverse(), "test"));
    assertFalse(java.util.Arrays.equals(ha, Points.power(h, b, "test")));
  }

  /** A twist point, a non-canonical encoding and a point of small order are refused, not computed on. */
  @Test
  void garbageFromAPeerIsRefused() {
    Key k = Key.random(new Random(5));
    BigInteger twist = BigInteger.TWO;
    while (!legendre(rhs(twist)).equals(P.subtract(BigInteger.ONE))) twist = twist.add(BigInteger.ONE);
    for (BigInteger bad : List.of(twist, P.add(BigInteger.valueOf(9)), BigInteger.ZERO)) {
      Failure f = assertThrows(Failure.class, () -> Points.power(encode(bad), k, "mallory"));
      assertEquals(bad.signum() == 0 ? "party mallory sent a point of small order" : "party mallory sent a value that is not a point of the curve", f.getMessage());
    }
    Failure f = assertThrows(Failure.class, () -> Points.power(new byte[33], k, "mallory"));
    assertEquals("party mallory sent 33 bytes, not whole points of 32", f.getMessage());
  }

  private static BigInteger rhs(BigInteger u) {
    return u.pow(3).add(BigInteger.valueOf(486662).multiply(u.pow(2))).add(u).mod(P);
  }

  private static BigInteger legendre(BigInteger x) {
    return x.modPow(P.subtract(BigInteger.ONE).shiftRight(1), P);
  }

  private static BigInteger u(byte[] list, int i) {
    byte[] be = new byte[32];
    for (int j = 0; j < 32; j++) be[j] = list[i * 32 + 31 - j];
    return new BigInteger(1, be);
  }

  private static byte[] encode(BigInteger u) {
    byte[] out = new byte[32];
    byte[] be = u.toByteArray();
    for (int j = 0; j < 32 && j < be.length; j++) out[j] = be[be.length - 1 - j];
    return out;
  }
}
