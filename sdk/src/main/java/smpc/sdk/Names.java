package smpc.sdk;

import java.util.Collection;

/** "Did you mean": the known name closest to a mistyped one, by edit distance. */
public final class Names {
  private Names() {}

  /**
   * " (did you mean 'x'?)" for the known name nearest to {@code name} when it is a plausible typo (at most
   * a third of its letters, and at least one, changed; names of 1 or 2 letters are too short to guess from),
   * else "".
   */
  public static String didYouMean(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance || d == bestDistance && best != null && k.compareTo(best) < 0) {
        best = k;
        bestDistance = d;
      }
    }
    return best != null && name.length() > 2 && bestDistance <= Math.max(1, name.length() / 3) ? " (did you mean '" + best + "'?)" : "";
  }

  /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
  public static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
