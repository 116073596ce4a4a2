package smpc.sdk;

import java.util.List;
import java.util.Map;
import smpc.core.expr.Expr;
import smpc.proto.ValueInfo;

/** A vector additively shared among parties. Operations are elementwise; a scalar operand broadcasts. */
public final class SharedVector extends SharedValue<SharedVector> {
  SharedVector(Cluster cluster, List<String> parties, ValueInfo leaf) {
    super(cluster, parties, leaf);
  }

  private SharedVector(Cluster cluster, List<String> parties, Expr expr, Map<String, ValueInfo> leaves, int length) {
    super(cluster, parties, expr, leaves, length);
  }

  @Override
  SharedVector make(Expr expr, Map<String, ValueInfo> leaves, int length) {
    return new SharedVector(cluster, parties, expr, leaves, length);
  }

  public int length() {
    return length;
  }

  public SharedVector add(SharedValue<?> o) {
    return combine('+', o);
  }

  public SharedVector add(long c) {
    return combine('+', c);
  }

  public SharedVector sub(SharedValue<?> o) {
    return combine('-', o);
  }

  public SharedVector sub(long c) {
    return combine('-', c);
  }

  public SharedVector mul(SharedValue<?> o) {
    return combine('*', o);
  }

  public SharedVector mul(long c) {
    return combine('*', c);
  }

  /** Elementwise this / o (o a vector of the same length, or a scalar): a real quotient. */
  public SharedVector div(SharedValue<?> o) {
    return combine('/', o);
  }

  /** An integer vector divided by a public integer is exact floor division (|x| < 2^30). */
  public SharedVector div(long c) {
    return combine('/', c);
  }

  public SharedVector div(double c) {
    return combine('/', c);
  }

  /** exp(v_i - max v) / sum: entries in [0, 1] summing to 1. */
  public SharedVector softmax() {
    return call("softmax");
  }

  /** The largest entry, a scalar (likewise min). */
  public SharedScalar max() {
    return new SharedScalar(cluster, parties, new Expr.Call("max", List.of(expr)), leaves);
  }

  public SharedScalar min() {
    return new SharedScalar(cluster, parties, new Expr.Call("min", List.of(expr)), leaves);
  }

  /** The mean of the elements, a real scalar (likewise variance: population; stdev; median). */
  public SharedScalar mean() {
    return stat("mean");
  }

  public SharedScalar variance() {
    return stat("variance");
  }

  public SharedScalar stdev() {
    return stat("stdev");
  }

  /** The middle element (mean of the two middle ones for an even count); compares every pair: up to 2000 elements. */
  public SharedScalar median() {
    return stat("median");
  }

  /** Pearson's correlation with another vector of the same length. */
  public SharedScalar corr(SharedVector o) {
    SharedVector c = call("corr", o);
    return new SharedScalar(cluster, parties, c.expr, c.leaves);
  }

  /** Counts per bin between consecutive public edges ([e_k, e_k+1), the last bin closed), a vector of edges.length - 1. */
  public SharedVector histogram(double... edges) {
    List<Expr> args = new java.util.ArrayList<>(List.of(expr));
    for (double e : edges) args.add(new Expr.Dec(new java.math.BigDecimal(Double.toString(e))));
    return new SharedVector(cluster, parties, new Expr.Call("histogram", args), leaves, Math.max(0, edges.length - 1));
  }

  /** For each element, a secret 1 if it occurs in {@code o}, else 0 (private matching). */
  public SharedVector isin(SharedVector o) {
    sameGroup(o);
    Map<String, ValueInfo> merged = new java.util.HashMap<>(leaves);
    merged.putAll(o.leaves);
    return new SharedVector(cluster, parties, new Expr.Call("isin", List.of(expr, o.expr)), merged, length);
  }

  /** This vector followed by the others, as one vector (for statistics over several parties' data). */
  public SharedVector concat(SharedVector... others) {
    List<Expr> args = new java.util.ArrayList<>(List.of(expr));
    Map<String, ValueInfo> merged = new java.util.HashMap<>(leaves);
    int len = length;
    for (SharedVector o : others) {
      sameGroup(o);
      args.add(o.expr);
      merged.putAll(o.leaves);
      len += o.length;
    }
    return new SharedVector(cluster, parties, new Expr.Call("concat", args), merged, len);
  }

  private SharedScalar stat(String fn) {
    return new SharedScalar(cluster, parties, new Expr.Call(fn, List.of(expr)), leaves);
  }

  /** The index of the largest entry (the first among equals), a secret integer. */
  public SharedScalar argmax() {
    return new SharedScalar(cluster, parties, new Expr.Call("argmax", List.of(expr)), leaves);
  }

  public SharedVector add(double c) {
    return combine('+', c);
  }

  public SharedVector sub(double c) {
    return combine('-', c);
  }

  public SharedVector mul(double c) {
    return combine('*', c);
  }

  /** Sum of the elements. */
  public SharedScalar sum() {
    return new SharedScalar(cluster, parties, new Expr.Call("sum", List.of(expr)), leaves);
  }

  /** Dot product with another vector of the same length. */
  public SharedScalar dot(SharedVector o) {
    SharedVector p = combine('*', o);
    return new SharedScalar(cluster, parties, new Expr.Call("sum", List.of(p.expr)), p.leaves);
  }

  /** Reveals the vector to {@code vm} only: it becomes vm's private value. */
  public PrivateVector reconstruct(VirtualMachine vm) {
    String name = cluster.temporary();
    Revealed r = reveal(vm, name);
    return new PrivateVector(r.raw(), r.scale(), vm, name);
  }

  @Override
  public String toString() {
    return "SharedVector(length " + length + ", " + parties + ")";
  }
}
