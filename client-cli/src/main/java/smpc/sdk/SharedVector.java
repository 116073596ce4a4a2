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
