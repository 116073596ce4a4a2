package smpc.sdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

  /**
   * Every name nearest {@code word} within a small edit distance (one for a word of up to 4 letters, else two), or,
   * when none is, those it begins or is begun by: what a mistyped command or option was meant to be.
   */
  public static List<String> nearest(String word, Collection<String> names) {
    int limit = word.length() <= 4 ? 1 : 2;
    int best = Integer.MAX_VALUE;
    List<String> out = new ArrayList<>();
    for (String n : names) {
      int d = distance(word, n);
      if (d > limit) continue;
      if (d < best) {
        best = d;
        out.clear();
      }
      if (d == best) out.add(n);
    }
    if (out.isEmpty() && word.length() >= 3) {
      for (String n : names) if (n.startsWith(word) || (word.startsWith(n) && n.length() >= 3)) out.add(n);
    }
    return out;
  }

  /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
  static int distance(String a, String b) {
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
