package smpc.core.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import smpc.proto.MatShape;

/**
 * Which matrix products share one mask on their left factor (SPU's beaver cache): a value whose strided
 * views (row slices, transposes, the value itself) are the left factors of several products is masked and
 * opened once, and each product's triple takes its A as the same view of that mask (MatrixSchedule). A mask
 * belongs to one node, and one node is one value, so a mask is never reused for two different values.
 *
 * <p>A value is shared when at least two products take views of it and their views together are at least
 * as large as the value: opening it whole then costs no more than opening each view (the features of an
 * epoch: every row twice, in z = X_b w and in the gradient X_bᵀ e).
 */
final class SharedMasks {
  /** Left factor of a product as a view of {@code value}: element (i, l) is value[offset + i·rows + l·cols]. */
  private record View(Node value, long offset, long rows, long cols) {}

  private final Map<Node.MatMul, View> views = new IdentityHashMap<>(); // the products that share a mask
  private final Map<Node, Integer> numbers = new IdentityHashMap<>(); // mask numbers, in order of first use
  private final Set<Node> dead = Collections.newSetFromMap(new IdentityHashMap<>());

  SharedMasks(List<Node> nodes, List<Node> roots) {
    Map<Node, List<Node.MatMul>> byValue = new IdentityHashMap<>();
    Map<Node.MatMul, View> candidates = new IdentityHashMap<>();
    for (Node n : nodes) {
      if (n instanceof Node.MatMul m) {
        View v = trace(m.x(), m.n(), m.m());
        candidates.put(m, v);
        byValue.computeIfAbsent(v.value(), k -> new ArrayList<>()).add(m);
      }
    }
    for (List<Node.MatMul> group : byValue.values()) {
      long viewed = group.stream().mapToLong(m -> (long) m.n() * m.m()).sum();
      if (group.size() >= 2 && viewed >= candidates.get(group.get(0)).value().len()) {
        for (Node.MatMul m : group) views.put(m, candidates.get(m));
      }
    }
    findDead(nodes, roots);
  }

  /** The value a product's MATMUL reads for its left factor: the masked value, or the factor itself. */
  Node left(Node.MatMul m) {
    View v = views.get(m);
    return v == null ? m.x() : v.value();
  }

  /** Whether a node is computed for nothing: a view that only products sharing a mask took. */
  boolean dead(Node n) {
    return dead.contains(n);
  }

  /** The product's triple; call in the order the plan takes them, which numbers the masks. */
  MatShape shape(Node.MatMul m) {
    MatShape.Builder s = MatShape.newBuilder().setN(m.n()).setM(m.m()).setK(m.k());
    View v = views.get(m);
    if (v == null) return s.build();
    int g = numbers.computeIfAbsent(v.value(), k -> numbers.size() + 1);
    return s.setMask(g).setMaskLen(v.value().len()).setOffset(v.offset()).setRowStride(v.rows()).setColStride(v.cols()).build();
  }

  /**
   * The deepest value below x, through slices and gathers, of which x (n x m, row-major) is a strided view;
   * x itself when there is none.
   */
  private static View trace(Node x, int n, int m) {
    long[] idx = new long[x.len()];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    View best = new View(x, 0, m, 1);
    Node cur = x;
    while (cur instanceof Node.Slice || cur instanceof Node.Gather) {
      if (cur instanceof Node.Slice s) {
        for (int i = 0; i < idx.length; i++) idx[i] += s.offset();
        cur = s.x();
      } else {
        Node.Gather g = (Node.Gather) cur;
        for (int i = 0; i < idx.length; i++) idx[i] = g.indices()[(int) idx[i]];
        cur = g.x();
      }
      View v = fit(cur, idx, n, m);
      if (v != null) best = v;
    }
    return best;
  }

  private static View fit(Node value, long[] idx, int n, int m) {
    long off = idx[0], cols = m > 1 ? idx[1] - off : 0, rows = n > 1 ? idx[m] - off : 0;
    if (cols < 0 || rows < 0) return null;
    for (int i = 0; i < n; i++) for (int l = 0; l < m; l++) if (idx[i * m + l] != off + i * rows + l * cols) return null;
    return new View(value, off, rows, cols);
  }

  /** The slices and gathers between a shared value and its views that nothing else reads. */
  private void findDead(List<Node> nodes, List<Node> roots) {
    Map<Node, Integer> uses = new IdentityHashMap<>();
    for (Node n : nodes) for (Node in : n.inputs()) uses.merge(in, 1, Integer::sum);
    for (Node r : roots) uses.merge(r, 1, Integer::sum);
    for (Node.MatMul m : views.keySet()) {
      uses.merge(left(m), 1, Integer::sum);
      drop(m.x(), uses);
    }
  }

  private void drop(Node x, Map<Node, Integer> uses) {
    if (uses.merge(x, -1, Integer::sum) > 0 || !(x instanceof Node.Slice || x instanceof Node.Gather)) return;
    dead.add(x);
    for (Node in : x.inputs()) drop(in, uses);
  }
}
