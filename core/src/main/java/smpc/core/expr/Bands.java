package smpc.core.expr;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Values' bands [−2^shift, 2^shift] for the saturating functions (sigmoid, tanh, softplus): t = x / 2^shift
 * at the polynomials' scale with the Chebyshev T_k(t) computed so far, and the comparisons lo = [x < −2^shift],
 * hi = [x > 2^shift], mid = 1 − lo − hi. Made once per value and width, so sigmoid and softplus of one value
 * (a logistic regression's z, for the gradient and the loss) share the comparisons and the T_k: the second
 * costs only its own products. A concatenation of values that have bands has theirs side by side, so the
 * second function can run once on all of them (an epoch's loss after its batches' sigmoids, in a few rounds
 * at its end rather than a few more in every batch).
 */
final class Bands {
  /** One value's band: its T_k (T_1 = t at least; functions add the ones they compute) and its comparisons. */
  record Band(Map<Integer, Node> tk, Node lo, Node hi, Node mid) {}

  private final Builder c;
  private final Map<Node, Map<Integer, Band>> made = new IdentityHashMap<>();

  Bands(Builder c) {
    this.c = c;
  }

  /** x's band of half-width 2^shift (x a real at scale f). */
  Band of(Node x, int shift, Expr where) {
    Band known = made.getOrDefault(x, Map.of()).get(shift);
    if (known != null) return known;
    Band band;
    if (x instanceof Node.Concat cc && known(cc, shift)) { // the parts' bands side by side: nothing computed anew
      Band a = of(cc.a(), shift, where), b = of(cc.b(), shift, where);
      Map<Integer, Node> tk = new HashMap<>();
      for (Map.Entry<Integer, Node> e : a.tk().entrySet()) {
        Node other = b.tk().get(e.getKey());
        if (other != null) tk.put(e.getKey(), c.concat(e.getValue(), other));
      }
      band = new Band(tk, c.concat(a.lo(), b.lo()), c.concat(a.hi(), b.hi()), c.concat(a.mid(), b.mid()));
    } else {
      Map<Integer, Node> tk = new HashMap<>();
      tk.put(1, c.toScale(c.relabel(x, c.f + shift), Chebyshev.S));
      Node lo = c.less(c.add(x, c.real(1 << shift, c.f), where));
      Node hi = c.less(c.sub(c.real(1 << shift, c.f), x, where));
      band = new Band(tk, lo, hi, c.sub(c.oneMinus(lo), hi, where));
    }
    made.computeIfAbsent(x, k -> new HashMap<>()).put(shift, band);
    return band;
  }

  /** Whether x, or every part of a concatenation x, already has its band of this width. */
  private boolean known(Node x, int shift) {
    if (made.getOrDefault(x, Map.of()).containsKey(shift)) return true;
    return x instanceof Node.Concat cc && known(cc.a(), shift) && known(cc.b(), shift);
  }
}
