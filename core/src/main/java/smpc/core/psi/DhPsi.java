package smpc.core.psi;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import smpc.core.Errors;
import smpc.core.protocol.Transport;

/**
 * Diffie-Hellman private set intersection among n parties on a ring (docs/protocols.md "Private row alignment"):
 * each party i holds ids X_i and a secret exponent k_i; H hashes an id to the curve. With K = k_0···k_{n-1}:
 *
 * <ol>
 *   <li><b>forward</b> (n − 1 steps): party i sends {H(x)^k_i} sorted to i + 1; each party raises what it receives
 *       to its own key, sorts it and passes it on, so after n − 1 steps party i − 1 holds F_i = {H(x)^K : x ∈ X_i},
 *       sorted: nobody can tell which of i's rows a point of F_i came from;
 *   <li><b>full</b> (1 step): each party sends the F it finished to every other, and every party computes the
 *       intersection I = ∩ F_i itself, in increasing order of the points' encodings — the common row order;
 *   <li><b>strip</b> (n − 1 steps): for each party i, I travels from i + 1 round the ring, each party but i
 *       raising it to its key's inverse without reordering, and arrives at i as {H(x)^k_i : x ∈ X_∩} in the
 *       common order, which i matches against its own {H(x)^k_i} to find its rows.
 * </ol>
 *
 * Two parties skip full and strip: each sends the other its raised list back in the order received (see pair).
 * A party's own exponents never leave it; the points only ever carry them raised together.
 */
public final class DhPsi {
  private DhPsi() {}

  /**
   * The outcome at one party.
   *
   * @param rows this party's row indices (into its ids) of the intersection, in the common order
   * @param sizes every party's number of ids, in session order
   */
  public record Result(int[] rows, long[] sizes) {}

  /**
   * Runs the protocol at party {@code me} of {@code parties}.
   *
   * @param agreement a digest of what this party was asked to run (session, parties); a peer sending another fails it
   * @param key this party's secret exponent: fresh for each alignment
   */
  public static Result run(Transport t, int me, List<String> parties, List<String> ids, Key key, byte[] agreement) {
    int n = parties.size();
    int next = (me + 1) % n;
    int prev = (me + n - 1) % n;
    String from = parties.get(prev);
    check(ids, parties.get(me));
    byte[] mine = Points.power(Points.hash(ids), key, null);
    int[] order = Records.order(mine, Points.BYTES);
    byte[] cur = Records.permuted(mine, order, Points.BYTES);
    t.send(next, "psi/fwd/0", concat(agreement, cur));
    byte[] in = agreed(t.receive(prev, "psi/fwd/0"), agreement, from);
    if (n == 2) {
      strictlySorted(in, from);
      return pair(t, me, cur, order, Points.power(in, key, from), from);
    }
    for (int s = 0; s < n - 1; s++) {
      if (s > 0) {
        t.send(next, "psi/fwd/" + s, cur);
        in = t.receive(prev, "psi/fwd/" + s);
      }
      cur = Points.sorted(Points.power(in, key, from));
    }
    byte[][] full = new byte[n][];
    full[next] = cur;
    for (int j = 0; j < n; j++) if (j != me) t.send(j, "psi/full", cur);
    for (int j = 0; j < n; j++) if (j != me) full[(j + 1) % n] = t.receive(j, "psi/full");
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) sizes[i] = strictlySorted(full[i], parties.get((i + n - 1) % n));
    byte[] common = nonEmpty(Records.common(Arrays.asList(full), Points.BYTES));
    Key inverse = key.inverse();
    cur = common;
    for (int s = 0; s < n - 1; s++) {
      t.send(next, "psi/strip/" + s, Points.power(cur, inverse, from));
      cur = t.receive(prev, "psi/strip/" + s);
    }
    return new Result(rows(mine, cur, common.length / Points.BYTES, from), sizes);
  }

  /**
   * Two parties need no strip: the peer raises this party's sorted list to its key <i>in the order received</i>
   * and sends it back ("psi/back"), so this party learns H(x)^K for each of its own rows, while the peer sees
   * only a sorted list of points raised to a key it does not know. Each party then holds both full lists (the
   * peer's it computed itself), the same I = F_0 ∩ F_1, and its rows of it. Leakage is that of the ring: with
   * two parties the intersection is the only overlap. 2N exponentiations per party instead of 2N + m, 2 steps.
   */
  private static Result pair(Transport t, int me, byte[] sent, int[] order, byte[] theirs, String from) {
    int peer = 1 - me;
    t.send(peer, "psi/back", theirs);
    byte[] back = t.receive(peer, "psi/back");
    int size = sent.length / Points.BYTES;
    if (Points.count(back, from) != size) throw Errors.invalid("party %s sent %d points for this party's %d", from, back.length / Points.BYTES, size);
    byte[] common = nonEmpty(Records.common(List.of(Points.sorted(back), Points.sorted(theirs)), Points.BYTES));
    int[] rows = Records.positions(back, common, Points.BYTES, (a, b) -> Errors.invalid("party %s sent a point twice", from),
        () -> Errors.invalid("party %s sent a point of the intersection that is not one of this party's ids", from));
    for (int k = 0; k < rows.length; k++) rows[k] = order[rows[k]];
    long[] sizes = new long[2];
    sizes[me] = size;
    sizes[peer] = theirs.length / Points.BYTES;
    return new Result(rows, sizes);
  }

  /** No id is learned from an error: the row says which (the party's own client reads its file). */
  static void check(List<String> ids, String party) {
    if (ids.isEmpty()) throw Errors.invalid("%s has no ids to align", party);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i).isEmpty()) throw Errors.invalid("%s has an empty id in row %d", party, i + 1);
      if (!seen.add(ids.get(i))) throw Errors.invalid("%s has a duplicate id in row %d", party, i + 1);
    }
  }

  private static byte[] nonEmpty(byte[] common) {
    if (common.length == 0) throw Errors.precondition("the parties' ids have no common element: nothing to align");
    return common;
  }

  /** Where each point of {@code back} (this party's H(x)^k) is among its own, which {@code mine} lists by row. */
  private static int[] rows(byte[] mine, byte[] back, int expected, String from) {
    if (Points.count(back, from) != expected) {
      throw Errors.invalid("party %s sent %d points for an intersection of %d", from, back.length / Points.BYTES, expected);
    }
    return Records.positions(mine, back, Points.BYTES, null,
        () -> Errors.invalid("party %s sent a point of the intersection that is not one of this party's ids", from));
  }

  private static long strictlySorted(byte[] list, String from) {
    int n = Points.count(list, from);
    Records.increasing(list, Points.BYTES, () -> Errors.invalid("party %s sent a list that is not sorted and distinct", from));
    return n;
  }

  static byte[] agreed(byte[] in, byte[] agreement, String from) {
    if (in.length < agreement.length || !Arrays.equals(in, 0, agreement.length, agreement, 0, agreement.length)) {
      throw Errors.precondition("alignment disagreement: party %s runs a different alignment (other session or parties)", from);
    }
    return Arrays.copyOfRange(in, agreement.length, in.length);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
