package smpc.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import smpc.core.ring.FixedPoint;

/**
 * What fixed-point encoding does to a real input: round(x * 2^f) keeps steps of 2^-f (1.5e-5 for f = 16),
 * so a small input may become 0 or keep few of the digits it was given. Said at input time, before any
 * computation hides it.
 */
final class InputPrecision {
  private InputPrecision() {}

  /**
   * Warnings for the real literals of {@code expression} that encoding turns to 0 or keeps few digits of
   * (`x * 1e-9` is `x * 0`); none when it does not parse or a literal is out of range (the compiler says so).
   */
  static java.util.List<String> literals(String expression, int f) {
    java.util.List<String> out = new java.util.ArrayList<>();
    java.util.ArrayDeque<smpc.core.expr.Expr> todo = new java.util.ArrayDeque<>();
    try {
      todo.push(smpc.core.expr.Parser.parse(expression));
      while (!todo.isEmpty()) {
        smpc.core.expr.Expr e = todo.pop();
        java.util.List<smpc.core.expr.Expr> kids = e.children();
        for (int k = kids.size() - 1; k >= 0; k--) todo.push(kids.get(k)); // popped in the expression's order
        if (!(e instanceof smpc.core.expr.Expr.Dec d)) continue;
        String w = warning("the literal " + FixedPoint.shown(d.value()), d.value(), FixedPoint.encode(d.value(), f, "a literal"), f);
        if (w != null && !out.contains(w)) out.add(w);
      }
    } catch (smpc.core.Failure e) {
      return java.util.List.of();
    }
    return out;
  }

  /**
   * A one-line warning for {@code x} (given as {@code text}, encoded as {@code enc} with f fractional bits), or null
   * when its encoding keeps at least half its digits.
   */
  static String warning(String text, BigDecimal x, long enc, int f) {
    if (x.signum() == 0) return null;
    if (enc == 0) {
      return String.format("%s is stored as 0: reals are kept in steps of 2^-%d (about %s); scale the data up", text, f,
          BigDecimal.ONE.divide(BigDecimal.valueOf(2).pow(f)).round(new MathContext(2)).toString());
    }
    BigDecimal stored = FixedPoint.decode(enc, f);
    double relative = stored.subtract(x).abs().divide(x.abs(), MathContext.DECIMAL64).doubleValue();
    int given = x.stripTrailingZeros().precision();
    double kept = relative == 0 ? given : -Math.log10(relative);
    if (kept >= given / 2.0) return null;
    return String.format("%s is stored as %s (%d of its %d significant digits kept): reals are kept in steps of 2^-%d; scale the data up",
        text, stored.round(new MathContext(Math.max(1, given))).toPlainString(), Math.max(0, (int) Math.floor(kept)), given, f);
  }
}
