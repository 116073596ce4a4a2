package smpc.sdk;

import java.util.List;
import java.util.Map;
import smpc.core.expr.Expr;
import smpc.proto.ValueInfo;

/** A number additively shared among parties (the seed's SharedScalar). */
public final class SharedScalar extends SharedValue<SharedScalar> {
  SharedScalar(Cluster cluster, List<String> parties, ValueInfo leaf) {
    super(cluster, parties, leaf);
  }

  SharedScalar(Cluster cluster, List<String> parties, Expr expr, Map<String, ValueInfo> leaves) {
    super(cluster, parties, expr, leaves, 1);
  }

  @Override
  SharedScalar make(Expr expr, Map<String, ValueInfo> leaves, int length) {
    return new SharedScalar(cluster, parties, expr, leaves);
  }

  public SharedScalar add(SharedScalar o) {
    return combine('+', o);
  }

  public SharedScalar add(long c) {
    return combine('+', c);
  }

  public SharedScalar sub(SharedScalar o) {
    return combine('-', o);
  }

  public SharedScalar sub(long c) {
    return combine('-', c);
  }

  public SharedScalar mul(SharedScalar o) {
    return combine('*', o);
  }

  public SharedScalar mul(long c) {
    return combine('*', c);
  }

  /** this / o: a real quotient (integers divided by a public integer floor exactly, see {@link #div(long)}). */
  public SharedScalar div(SharedScalar o) {
    return combine('/', o);
  }

  /** An integer divided by a public integer is exact floor division (|this| < 2^30); a real is divided as a real. */
  public SharedScalar div(long c) {
    return combine('/', c);
  }

  public SharedScalar div(double c) {
    return combine('/', c);
  }

  public SharedScalar add(double c) {
    return combine('+', c);
  }

  public SharedScalar sub(double c) {
    return combine('-', c);
  }

  public SharedScalar mul(double c) {
    return combine('*', c);
  }

  /** Scalar times vector, elementwise. */
  public SharedVector mul(SharedVector v) {
    return v.mul(this);
  }

  /** Reveals the value to {@code vm} only (the seed's reconstruct): it becomes vm's private value. */
  public PrivateScalar reconstruct(VirtualMachine vm) {
    String name = cluster.temporary();
    Revealed r = reveal(vm, name);
    return new PrivateScalar(r.raw()[0], r.scale(), vm, name);
  }

  @Override
  public String toString() {
    return "SharedScalar(" + parties + ")";
  }
}
