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
