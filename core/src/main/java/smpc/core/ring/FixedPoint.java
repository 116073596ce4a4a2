package smpc.core.ring;

import static smpc.core.Errors.invalid;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Fixed-point reals in Z_2^64: x is encoded as round(x * 2^f). Every real input and literal must
 * stay below 2^(62-2f) in magnitude (2^30, about 1.07e9, for f = 16), so that the product of two
 * of them, at 2f fractional bits, is still below 2^62, the range within which truncation is exact
 * to one unit of 2^-f.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /** The largest magnitude a real may have with {@code f} fractional bits (exclusive). */
  public static BigDecimal limit(int f) {
    return BigDecimal.valueOf(1L << (62 - 2 * f));
  }

  /** round(x * 2^f), half to even; an error naming {@code what} when x is out of range. */
  public static long encode(BigDecimal x, int f, String what) {
    if (x.abs().compareTo(limit(f)) >= 0) { // compared by exponent first: quick even for 1e999999999
      throw invalid("value out of range: %s is %s, but reals must stay below 2^%d = %s in magnitude",
          what, shown(x), 62 - 2 * f, limit(f).toPlainString());
    }
    // below 10^-25 in magnitude x * 2^f rounds to 0 for every f up to 62 (2^62 < 10^19); rounding 1e-99999999 the
    // long way divides by 10^99999999 and took minutes
    if (x.precision() - x.scale() < -25) return 0;
    return x.multiply(BigDecimal.valueOf(1L << f)).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /**
   * A decimal as a message shows it: plain for everyday magnitudes, else in scientific notation (1E+400 has 401 digits
   * plain, 1e999999999 too many to print), and rounded to 20 significant digits.
   */
  public static String shown(BigDecimal x) {
    BigDecimal r = x.precision() > 20 ? x.round(new java.math.MathContext(20)) : x;
    int exponent = r.precision() - r.scale() - 1; // r = d.ddd * 10^exponent
    return exponent >= -20 && exponent <= 40 ? r.toPlainString() : r.toString();
  }

  /**
   * An already encoded value, checked as {@link #encode} checks a real: every x below {@link #limit} in magnitude
   * encodes to at most 2^(62-f) (rounding can reach it), so that is the bound; an error naming {@code what} beyond it.
   */
  public static long requireEncodable(long v, int f, String what) {
    long bound = 1L << (62 - f);
    if (v > bound || v < -bound) {
      throw invalid("value out of range: %s is %s, but reals must stay below 2^%d = %s in magnitude",
          what, decode(v, f).toPlainString(), 62 - 2 * f, limit(f).toPlainString());
    }
    return v;
  }

  /** The exact value of v / 2^scale. */
  public static BigDecimal decode(long v, int scale) {
    return new BigDecimal(v).divide(BigDecimal.valueOf(2).pow(scale));
  }

  /**
   * v / 2^scale as a decimal with as many digits as f fractional bits carry (floor(f * log10 2), 4 for
   * f = 16), trailing zeros dropped: 3.75, not 3.7500000000.
   */
  public static BigDecimal display(long v, int scale, int f) {
    if (scale == 0) return BigDecimal.valueOf(v);
    int digits = (int) Math.floor(f * Math.log10(2));
    BigDecimal d = decode(v, scale).setScale(digits, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
