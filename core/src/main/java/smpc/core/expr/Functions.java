package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.Map;
import smpc.core.expr.Node.Const;
import smpc.core.ring.FixedPoint;

/**
 * Division and the nonlinear functions, built from the compiler's primitives (products, truncations by
 * any number of bits, comparisons, NORM and table lookups). Each result is a real at scale f.
 *
 * <p>Numerics, chosen so one method converges over the whole range: reciprocal, division, sqrt, rsqrt
 * and log first normalise the input with NORM (w = |x| * 2^-e in [0.5, 1], e secret, from the top bit),
 * work on w, and apply 2^-e (or 2^(e/2), or e ln 2) through public tables indexed by the same one-hot
 * bits. Reciprocal is Newton's iteration from the minimax line 48/17 - 32/17 w (relative error 1/17,
 * squared by each iteration). exp(x) = exp(x/32)^32 with a Chebyshev polynomial on [-1, 1].
 * sigmoid and tanh are an odd Chebyshev polynomial on [-8, 8] (tanh on [-4, 4]) and exact 0/1 (-1/1)
 * beyond it. Polynomials are evaluated in the Chebyshev basis (T_2k = 2T_k^2 - 1, T_a+b = 2 T_a T_b -
 * T_a-b), whose values stay in [-1, 1]: the monomial basis would multiply rounding errors by
 * coefficients in the thousands; sigmoid's and tanh's by Paterson and Stockmeyer's scheme ({@link Chebyshev}).
 * Internal precision is 24 fractional bits.
 */
final class Functions {
  private static final int S = Chebyshev.S, SC = Chebyshev.SC;
  /** exp saturates at exp(EXP_MAX) above EXP_MAX and returns 0 below -EXP_MIN_ABS (true value < 1.3e-14). */
  static final double EXP_MAX = 13.5;
  static final double EXP_MIN_ABS = 32;

  /** Chebyshev fits by function and degree, made once per JVM when first used (not at every compile). */
  private static final Map<String, double[]> FITS = new java.util.concurrent.ConcurrentHashMap<>();

  private final Numerics numerics;

  private final Builder c;
  private final Chebyshev chebyshev;
  private final Bands bands;
  private final int f;
  private final int bits; // NORM examines every bit a value in range can have

  Functions(Builder c, Numerics n) {
    this.c = c;
    this.chebyshev = new Chebyshev(c);
    this.bands = new Bands(c);
    this.f = c.f;
    this.bits = 62 - f;
    this.numerics = n;
  }

  /** The Chebyshev coefficients of one of the approximated functions at the configured degree. */
  private double[] fit(Builtin fn) {
    int degree = switch (fn) {
      case EXP -> numerics.expDegree();
      case LOG -> numerics.logDegree();
      case SQRT, RSQRT -> numerics.rootDegree();
      default -> numerics.sigmoidDegree();
    };
    if (fn == Builtin.TANH) {
      double[] sigmoid = fit(Builtin.SIGMOID); // outside computeIfAbsent: the map must not be updated recursively
      return FITS.computeIfAbsent(fn.fn() + degree, k -> scaled(sigmoid, 2)); // tanh(4t) = 2 sigmoid(8t) - 1
    }
    return FITS.computeIfAbsent(fn.fn() + degree, k -> switch (fn) {
      case EXP -> Chebyshev.chebyshev(Math::exp, degree, false);
      case LOG -> Chebyshev.chebyshev(t -> Math.log(0.75 + t / 4), degree, false);
      case SQRT -> Chebyshev.chebyshev(t -> Math.sqrt(0.75 + t / 4), degree, false);
      case RSQRT -> Chebyshev.chebyshev(t -> 1 / Math.sqrt(0.75 + t / 4), degree, false);
      case SIGMOID -> Chebyshev.chebyshev(t -> 1 / (1 + Math.exp(-8 * t)) - 0.5, degree, true); // sigmoid(8t) - 1/2
      case SOFTPLUS -> even(Chebyshev.chebyshev(t -> Math.log(2 * Math.cosh(4 * t)), degree, false)); // softplus(8t) - 4t
      default -> throw new IllegalStateException(fn.fn());
    });
  }

  /** One of the one-argument functions of {@link Builtin.Library#FUNCTIONS}. */
  Node call(Builtin fn, Node x, Expr where) {
    if (x instanceof Const k && fn != Builtin.SOFTMAX) return publicCall(fn, k, where);
    requireFracBits(fn.fn());
    Node r = real(x);
    return switch (fn) {
      case RECIPROCAL -> reciprocal(r, where);
      case EXP -> exp(r, true, where);
      case LOG -> log(r, where);
      case SQRT -> root(r, false, where);
      case RSQRT -> root(r, true, where);
      case SIGMOID -> saturated(r, 3, fit(Builtin.SIGMOID), 0.5, 0, 1, where);
      case TANH -> saturated(r, 2, fit(Builtin.TANH), 0, -1, 1, where);
      case SOFTPLUS -> softplus(r, where);
      case SOFTMAX -> softmax(r, where);
      default -> throw new IllegalStateException(fn.fn());
    };
  }

  /** x / y: exact floor division for integers by a public integer, else a real quotient. */
  Node divide(Node x, Node y, Expr where) {
    if (y instanceof Const k) {
      for (long v : k.value()) if (v == 0) throw invalid("division by zero in %s", Printer.show(where));
      if (x instanceof Const kx) return publicDivide(kx, k);
      if (x.scale() == 0 && y.scale() == 0) return floorDivide(x, k, where);
      return byPublic(x, k, where);
    }
    requireFracBits("division");
    Node yr = real(y), xr = x.scale() > f ? c.shrink(x) : x;
    Node nm = c.norm(yr, bits);
    Node sf = signFactor(nm);
    Node rw = newton(normalised(yr, nm, sf, where), where);
    // x/y = x * 2^-e * (1/w), e = p + 1 - f. For e <= 0, x * 2^-e is exact (an integer table) and one
    // truncation follows. For e > 0, q = x/w is truncated first and then shifted right in two table steps,
    // so every product stays below 2^62 for results in range and q's rounding shrinks with the shift.
    int g1 = 62 - 3 * f, g2 = f;
    long[] up = new long[bits + 1], t1 = new long[bits + 1], t2 = new long[bits + 1];
    for (int p = 0; p < bits; p++) {
      int e = p + 1 - f;
      if (e <= 0) {
        up[p] = 1L << -e;
      } else {
        t1[p] = 1L << (g1 - Math.min(e, g1));
        t2[p] = 1L << (g2 - Math.max(e - g1, 0));
      }
    }
    Node left = c.toScale(c.mulRaw(c.mulRaw(xr, c.mulRaw(c.lookup(nm, up, 0), sf, where), where), rw, where), f);
    Node q = c.toScale(c.mulRaw(xr, rw, where), f);
    Node q1 = c.trunc(c.mulRaw(q, c.mulRaw(c.lookup(nm, t1, g1), sf, where), where), g1);
    Node right = c.trunc(c.mulRaw(q1, c.lookup(nm, t2, g2), where), g2);
    return c.add(left, right, where);
  }

  /**
   * Each column of x (n rows of d, row-major) divided by its y[j], for quotients known to be moderate,
   * |x / y| < 2^16 (standardised features: a deviation from the column's mean in units of its deviation,
   * even a new row's far outside the training data): 1/y once per column, at scale f + g with g = 46 − 2f
   * extra bits (at f = 16, 1/y keeps the ~16 significant bits of its normalisation for y up to 2^13, 13
   * bits at 10^5; 1/y < 2^(16 + f)), then x · diag(1/y) with a matrix triple (n·d + d² elements opened,
   * about one word per element while d is small against n) or, for wide x, a product per element (two
   * words), and one truncation: where the general division's ranges take fourteen words per element (five
   * products, four truncations). The products x·(1/y) are below 2^(2f + g) · 2^16 = 2^62 in range.
   */
  Node columnQuotients(Node x, Node y, int n, int d, Expr where) {
    requireFracBits("division");
    int g = 46 - 2 * f;
    Node r = reciprocal(real(y), g, where);
    Node xr = x.scale() > f ? c.shrink(x) : x;
    Node product;
    if (d <= n && (long) n * d * d <= MAX_DIAGONAL_WORK) {
      long[] idx = new long[d * d]; // diag(r): r[i] on the diagonal, the appended public 0 elsewhere
      for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) idx[i * d + j] = i == j ? i : d;
      Node diag = c.gather(c.concat(r, c.constant(new long[] {0}, r.scale())), idx);
      product = c.keep(new Node.MatMul(xr, diag, n, d, d, xr.scale() + diag.scale()));
    } else {
      product = c.mulRaw(xr, c.gather(r, Matrices.tile(d, n)), where);
    }
    return c.trunc(product, xr.scale() + g);
  }

  /** The local multiply-adds x · diag(1/y) may take (n·d², a sixteenth of what one matrix product may take). */
  static final long MAX_DIAGONAL_WORK = 1L << 28;

  private Node reciprocal(Node y, Expr where) {
    return reciprocal(y, 0, where);
  }

  /** 1/y at scale f + extra (extra <= 61 − 2f). */
  private Node reciprocal(Node y, int extra, Expr where) {
    Node nm = c.norm(y, bits);
    Node sf = signFactor(nm);
    Node rw = newton(normalised(y, nm, sf, where), where);
    int g = 61 - 2 * f; // 1/y = (1/w) * 2^(f-1-p); rw < 2^(f+1) times the table < 2^(g+f-1) stays below 2^61
    long[] t = new long[bits + 1];
    for (int p = 0; p < bits; p++) t[p] = g + f - 1 - p >= 0 ? 1L << (g + f - 1 - p) : 0;
    return c.trunc(c.mulRaw(rw, c.mulRaw(c.lookup(nm, t, g), sf, where), where), g - extra);
  }

  /** |y| * 2^(f-1-p) at scale f, in [0.5, 1] for y != 0 (p the top bit of |y|'s encoding). */
  private Node normalised(Node y, Node nm, Node sf, Expr where) {
    Node signed = c.trunc(c.mulRaw(y, c.lookup(nm, scaleTable(), bits - f), where), bits - f);
    return sf == null ? signed : c.mulRaw(signed, sf, where);
  }

  /** 2^(f-1-p) at scale bits - f: y * table < 2^bits for every p. */
  private long[] scaleTable() {
    long[] t = new long[bits + 1];
    for (int p = 0; p < bits; p++) t[p] = 1L << (bits - 1 - p);
    return t;
  }

  /** 1 - 2[y < 0], an integer, from the NORM's sign bit. */
  private Node signFactor(Node nm) {
    long[] t = new long[bits + 1];
    t[bits] = -2;
    return c.add(c.integer(1), c.lookup(nm, t, 0), null);
  }

  /** 1/w for w in [0.5, 1]: the minimax line, then Newton steps x(2 - wx) at scale f. */
  private Node newton(Node w, Expr where) {
    Node x = c.trunc(c.sub(c.real(48.0 / 17, 2 * f), c.mulRaw(w, c.real(32.0 / 17, f), where), where), f);
    for (int i = 0; i < numerics.newtonIterations(); i++) {
      Node e = c.sub(c.real(2, 2 * f), c.mulRaw(w, x, where), where);
      x = c.trunc(c.mulRaw(x, e, where), 2 * f);
    }
    return x;
  }

  /** log x = log w + (p + 1 - f) ln 2. */
  private Node log(Node x, Expr where) {
    Node nm = c.norm(x, bits);
    Node v = chebyshev.sum(quarterOffset(normalised(x, nm, null, where)), fit(Builtin.LOG), where);
    long[] t = new long[bits + 1];
    for (int p = 0; p < bits; p++) t[p] = Math.round(Math.scalb((p + 1 - f) * Math.log(2), S + SC));
    return c.toScale(c.add(v, c.lookup(nm, t, S + SC), where), f);
  }

  /** sqrt x = sqrt(w) 2^(e/2) and rsqrt x = rsqrt(w) 2^(-e/2), e = p + 1 - f, by a table at scale g. */
  private Node root(Node x, boolean inverse, Expr where) {
    Node nm = c.norm(x, bits);
    Node v = c.toScale(chebyshev.sum(quarterOffset(normalised(x, nm, null, where)), fit(inverse ? Builtin.RSQRT : Builtin.SQRT), where), S);
    int g = inverse ? 36 - (f) / 2 : f + 6; // v * table < 2^61 for every p
    long[] t = new long[bits + 1];
    for (int p = 0; p < bits; p++) t[p] = Math.round(Math.scalb(Math.pow(2, (inverse ? -1 : 1) * (p + 1 - f) / 2.0), g));
    return c.trunc(c.mulRaw(v, c.lookup(nm, t, g), where), S + g - f);
  }

  /** t = 4 (w - 0.75) at scale S, in [-1, 1] for w in [0.5, 1]. */
  private Node quarterOffset(Node w) {
    return c.toScale(c.relabel(c.sub(w, c.real(0.75, f), null), f - 2), S);
  }

  /** exp(x) = exp(x/32)^32, saturating as documented. */
  private Node exp(Node x, boolean saturateHigh, Expr where) {
    Node y = c.toScale(chebyshev.sum(c.toScale(c.relabel(x, f + 5), S), fit(Builtin.EXP), where), S);
    for (int i = 0; i < 3; i++) y = c.trunc(c.mulRaw(y, y, where), S);
    y = c.trunc(c.mulRaw(y, y, where), 2 * S - 21); // exp(x/2) at scale 21: its square stays below 2^62 up to x = 13.8
    y = c.trunc(c.mulRaw(y, y, where), 42 - f);
    Node low = c.less(c.add(x, c.real(EXP_MIN_ABS, f), where));
    if (!saturateHigh) return c.mulRaw(c.oneMinus(low), y, where);
    Node high = c.less(c.sub(c.real(EXP_MAX, f), x, where));
    Node mid = c.sub(c.oneMinus(low), high, where);
    return c.add(c.mulRaw(mid, y, where), c.mulRaw(high, c.real(Math.exp(EXP_MAX), f), where), where);
  }

  /**
   * An odd polynomial in t = x / 2^shift on [-1, 1] plus {@code center}, and exactly {@code low} / {@code high}
   * beyond it (x < -2^shift, x > 2^shift): both comparisons in one step.
   */
  private Node saturated(Node x, int shift, double[] coeffs, double center, double low, double high, Expr where) {
    double[] k = coeffs.clone();
    k[0] = center;
    Bands.Band band = bands.of(x, shift, where);
    Node p = c.toScale(chebyshev.sum(band.tk(), k, where), f);
    Node lo = band.lo(), hi = band.hi(), mid = band.mid();
    Node out = c.mulRaw(mid, p, where);
    if (high != 0) out = c.add(out, c.mulRaw(hi, c.real(high, f), where), where);
    if (low != 0) out = c.add(out, c.mulRaw(lo, c.real(low, f), where), where);
    return out;
  }

  /**
   * softplus(x) = log(1 + e^x) = x/2 + h(x) with h(x) = log(2 cosh(x/2)) even: an even Chebyshev polynomial
   * for h on [-8, 8] (within 7e-5 at degree 20), and beyond it x (above) or 0 (below), off by at most
   * log(1 + e^-8) = 3.4e-4. As x/2 + mid·h + (hi − lo)·x/2 with lo = [x < −8], hi = [x > 8], mid = 1 − lo − hi:
   * the sigmoid's comparisons and polynomial products and one product more, where log(1 + exp(x)) takes an
   * exp (five squarings) and a log (a NORM over every bit): 40 % of the bytes (287 kB per party for 456
   * values of 3 parties, against 715 kB for the mean log-loss by exp and log). The result is at scale
   * f + 1, which keeps x/2 exact (no truncation).
   */
  private Node softplus(Node x, Expr where) {
    Bands.Band band = bands.of(x, 3, where);
    Node p = c.toScale(chebyshev.sum(band.tk(), fit(Builtin.SOFTPLUS), where), f + 1);
    Node lo = band.lo(), hi = band.hi(), mid = band.mid();
    Node halves = c.add(c.integer(1), c.sub(hi, lo, where), where); // 1 + hi − lo: x/2 more above, x/2 less below
    return c.add(c.mulRaw(mid, p, where), c.relabel(c.mulRaw(halves, x, where), f + 1), where);
  }

  /** The even terms of a Chebyshev series (those of an even function, the odd ones being rounding). */
  private static double[] even(double[] k) {
    double[] out = k.clone();
    for (int i = 1; i < out.length; i += 2) out[i] = 0;
    return out;
  }

  /** exp(v - max v) / sum: every entry of the shifted vector is at most 0. */
  private Node softmax(Node v, Expr where) {
    if (v.len() < 2) throw invalid("softmax needs a vector of at least 2 values in %s", Printer.show(where));
    Node e = c.shrink(exp(c.sub(v, c.reduce(v, true, false, where), where), false, where));
    Node total = c.sum(e);
    return c.trunc(c.mulRaw(e, reciprocal(total, where), where), f);
  }

  private static double[] scaled(double[] v, double by) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) out[i] *= by;
    return out;
  }

  /** An integer becomes a real at scale f; a product is brought down to f. */
  private Node real(Node x) {
    return c.toScale(x, f);
  }

  /**
   * x / c for a public real or integer divisor (|x| below 2^46 units of its scale). One multiplication by
   * 1/c would keep only 15 significant bits of 1/c (x already uses 46 of the 62 bits a product may have), so
   * x is split first: its top part H = x / 2^16 (one truncation, 30 bits) and the exact rest L = x - 2^16 H
   * (17 bits) are each multiplied by 1/c with as many bits as their own size allows (31 and 44).
   */
  Node byPublic(Node x, Const y, Expr where) {
    double min = Double.MAX_VALUE;
    double[] inv = new double[y.len()];
    for (int i = 0; i < y.len(); i++) {
      double d = FixedPoint.decode(y.value()[i], y.scale()).doubleValue();
      min = Math.min(min, Math.abs(d));
      inv[i] = 1 / d;
    }
    Node xr = x.scale() > f ? c.shrink(x) : x;
    Node high = c.trunc(xr, 16);
    Node low = c.sub(xr, high, where); // exact, at xr's scale (high is raised back by 2^16)
    return c.add(timesInverse(high, 30, inv, min, where), timesInverse(low, 17, inv, min, where), where);
  }

  /** p * (1/c) at scale f, for |p| below 2^bits units of its scale: 1/c with 61 - bits bits. */
  private Node timesInverse(Node p, int bits, double[] inv, double minAbs, Expr where) {
    int s = 61 - bits + Math.getExponent(minAbs); // 2^s / |c| <= 2^(61 - bits)
    long[] k = new long[inv.length];
    for (int i = 0; i < k.length; i++) k[i] = Math.round(Math.scalb(inv[i], s));
    return c.toScale(c.mulRaw(p, c.constant(k, s), where), f);
  }

  /**
   * floor(x / d) for a secret integer x (|x| < 2^30) and public integers d, exactly: q0 = x * ceil(2^30/|d|) / 2^30
   * is within 2 of the quotient, and the remainder x - q0 d, compared with 0, -|d| and |d| in one step, fixes it.
   */
  private Node floorDivide(Node x, Const d, Expr where) {
    boolean unit = true;
    for (long v : d.value()) unit &= Math.abs(v) == 1;
    if (unit) return c.mulRaw(x, d, where);
    int k = 30;
    long[] m = new long[d.len()], ad = new long[d.len()], sign = new long[d.len()];
    for (int i = 0; i < d.len(); i++) {
      ad[i] = Math.abs(d.value()[i]);
      sign[i] = Long.signum(d.value()[i]);
      m[i] = Math.floorDiv((1L << k) + ad[i] - 1, ad[i]);
    }
    Node xs = c.mulRaw(x, c.constant(sign, 0), where); // floor(x / -d) = floor(-x / d)
    Node q0 = c.trunc(c.mulRaw(xs, c.constant(m, k), where), k);
    Node absD = c.constant(ad, 0);
    Node r = c.sub(xs, c.mulRaw(q0, absD, where), where);
    Node tooBig = c.oneMinus(c.less(c.sub(r, absD, where))); // r >= |d|
    Node neg = c.less(r), veryNeg = c.less(c.add(r, absD, where));
    return c.sub(c.add(q0, tooBig, where), c.add(neg, veryNeg, where), where);
  }

  private Node publicDivide(Const x, Const y) {
    int len = Math.max(x.len(), y.len());
    if (x.scale() == 0 && y.scale() == 0) {
      long[] q = new long[len];
      for (int i = 0; i < len; i++) q[i] = Math.floorDiv(x.value()[x.len() == 1 ? 0 : i], y.value()[y.len() == 1 ? 0 : i]);
      return c.constant(q, 0);
    }
    long[] q = new long[len];
    for (int i = 0; i < len; i++) {
      double a = FixedPoint.decode(x.value()[x.len() == 1 ? 0 : i], x.scale()).doubleValue();
      double b = FixedPoint.decode(y.value()[y.len() == 1 ? 0 : i], y.scale()).doubleValue();
      q[i] = Math.round(Math.scalb(a / b, f));
    }
    return c.constant(q, f);
  }

  private Node publicCall(Builtin fn, Const x, Expr where) {
    long[] out = new long[x.len()];
    for (int i = 0; i < out.length; i++) {
      double v = FixedPoint.decode(x.value()[i], x.scale()).doubleValue();
      double r = switch (fn) {
        case RECIPROCAL -> 1 / v;
        case EXP -> Math.exp(v);
        case LOG -> Math.log(v);
        case SQRT -> Math.sqrt(v);
        case RSQRT -> 1 / Math.sqrt(v);
        case SIGMOID -> 1 / (1 + Math.exp(-v));
        case TANH -> Math.tanh(v);
        case SOFTPLUS -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
        default -> throw new IllegalStateException(fn.fn());
      };
      if (!Double.isFinite(r)) throw invalid("%s is undefined for the constant %s in %s", fn.fn(), v, Printer.show(where));
      out[i] = Math.round(Math.scalb(r, f));
    }
    return c.constant(out, f);
  }

  private void requireFracBits(String what) {
    if (f < 16 || f > 20) {
      throw invalid("%s needs 16 to 20 fractional bits (its range reduction keeps products below 2^62); the cluster uses %d",
          what, f);
    }
  }
}
