package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numeric knobs of division and the nonlinear functions. The defaults meet the accuracy table of
 * docs/functions.md with f = 16; fewer iterations or lower degrees trade accuracy for rounds and bytes.
 *
 * @param newtonIterations Newton steps of reciprocal and division after the minimax start (relative
 *     error 1/17, squared by each step), 1 to 4
 * @param expDegree Chebyshev degree of exp(t) on [-1, 1] before the five squarings, 4 to 12
 * @param logDegree Chebyshev degree of log on [0.5, 1], 3 to 12
 * @param rootDegree Chebyshev degree of sqrt and rsqrt on [0.5, 1], 3 to 12
 * @param sigmoidDegree odd Chebyshev degree of sigmoid on [-8, 8] and tanh on [-4, 4], 5 to 31
 * @param exactRounding every truncation of a secret rounds to nearest exactly, as constant folding does, so
 *     the same computation gives the same bits every run (8 more rounds and a comparison per truncated
 *     element); otherwise a truncation rounds stochastically in one round (unbiased, error below one unit)
 */
public record Numerics(int newtonIterations, int expDegree, int logDegree, int rootDegree, int sigmoidDegree,
    boolean exactRounding) {
  public static final Numerics DEFAULT = new Numerics(2, 9, 8, 8, 21);

  public Numerics(int newtonIterations, int expDegree, int logDegree, int rootDegree, int sigmoidDegree) {
    this(newtonIterations, expDegree, logDegree, rootDegree, sigmoidDegree, false);
  }

  public Numerics {
    check("newton", newtonIterations, 1, 4);
    check("exp-degree", expDegree, 4, 12);
    check("log-degree", logDegree, 3, 12);
    check("root-degree", rootDegree, 3, 12);
    check("sigmoid-degree", sigmoidDegree, 5, 31);
    if (sigmoidDegree % 2 == 0) throw invalid("sigmoid-degree must be odd (the polynomial is odd), got %d", sigmoidDegree);
  }

  /** The same settings with exact (true) or stochastic rounding. */
  public Numerics withExactRounding(boolean exact) {
    return new Numerics(newtonIterations, expDegree, logDegree, rootDegree, sigmoidDegree, exact);
  }

  /**
   * "exact" or "stochastic" (case-insensitive) as a flag; null stays null (no choice made).
   * What the CLI's --rounding and a cluster file's "rounding" take.
   */
  public static Boolean exactRounding(String mode) {
    if (mode == null) return null;
    return switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "exact" -> true;
      case "stochastic" -> false;
      default -> throw invalid("rounding must be exact or stochastic, got '%s'", mode);
    };
  }

  private static void check(String key, int v, int lo, int hi) {
    if (v < lo || v > hi) throw invalid("numeric setting %s must be in [%d, %d], got %d", key, lo, hi, v);
  }

  /** The defaults with {@code key=value} settings applied (keys: newton, exp-degree, log-degree, root-degree, sigmoid-degree). */
  public static Numerics parse(List<String> settings) {
    Map<String, Integer> v = new LinkedHashMap<>(DEFAULT.asMap());
    for (String s : settings) {
      int eq = s.indexOf('=');
      String key = eq < 0 ? s : s.substring(0, eq).trim();
      if (eq < 0 || !v.containsKey(key)) {
        throw invalid("unknown numeric setting '%s' (expected KEY=VALUE, keys: %s)", s, String.join(", ", v.keySet()));
      }
      try {
        v.put(key, Integer.parseInt(s.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw invalid("numeric setting %s needs an integer, got '%s'", key, s.substring(eq + 1));
      }
    }
    return new Numerics(v.get("newton"), v.get("exp-degree"), v.get("log-degree"), v.get("root-degree"), v.get("sigmoid-degree"),
        DEFAULT.exactRounding);
  }

  public Map<String, Integer> asMap() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("newton", newtonIterations);
    m.put("exp-degree", expDegree);
    m.put("log-degree", logDegree);
    m.put("root-degree", rootDegree);
    m.put("sigmoid-degree", sigmoidDegree);
    return m;
  }
}
