package smpc.sdk;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.core.expr.Operator;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * A value additively shared among a set of parties. Operations are lazy: they build an expression,
 * and {@code reconstruct} or {@code store} compiles it into one session with the fewest rounds.
 * Intermediate shares exist only inside that session and are dropped when it ends.
 */
public abstract class SharedValue<S extends SharedValue<S>> {
  final Cluster cluster;
  final List<String> parties;
  final Expr expr;
  final Map<String, ValueInfo> leaves;
  final int length;

  SharedValue(Cluster cluster, List<String> parties, Expr expr, Map<String, ValueInfo> leaves, int length) {
    this.cluster = cluster;
    this.parties = parties;
    this.expr = expr;
    this.leaves = leaves;
    this.length = length;
  }

  SharedValue(Cluster cluster, List<String> parties, ValueInfo leaf) {
    this(cluster, parties, new Expr.Ref(leaf.getName()), Map.of(leaf.getName(), leaf), (int) leaf.getLength());
  }

  abstract S make(Expr expr, Map<String, ValueInfo> leaves, int length);

  /** The parties holding shares, in session order. */
  public List<String> parties() {
    return parties;
  }

  /** The length of a result combining this with o; refuses values from elsewhere or of clashing lengths. */
  private int compatibleLength(SharedValue<?> o) {
    sameGroup(o);
    if (length != o.length && length != 1 && o.length != 1) {
      throw SmpcException.usage("vector lengths differ: %d and %d", length, o.length);
    }
    return Math.max(length, o.length);
  }

  /** Refuses values from another connection or shared among other parties. */
  void sameGroup(SharedValue<?> o) {
    if (o.cluster != cluster) throw SmpcException.usage("values from different cluster connections cannot be combined");
    if (!new HashSet<>(o.parties).equals(new HashSet<>(parties))) {
      throw SmpcException.usage("values shared among different parties cannot be combined: %s and %s", parties, o.parties);
    }
  }

  S combine(Operator op, SharedValue<?> o) {
    int len = compatibleLength(o);
    Map<String, ValueInfo> merged = new HashMap<>(leaves);
    merged.putAll(o.leaves);
    return make(new Expr.Bin(op, expr, o.expr), merged, len);
  }

  S combine(Operator op, long c) {
    return make(new Expr.Bin(op, expr, new Expr.Num(c)), leaves, length);
  }

  S combine(Operator op, double c) {
    return make(new Expr.Bin(op, expr, new Expr.Dec(new java.math.BigDecimal(Double.toString(c)))), leaves, length);
  }

  S call(String fn, SharedValue<?>... others) {
    List<Expr> args = new java.util.ArrayList<>(List.of(expr));
    Map<String, ValueInfo> merged = new HashMap<>(leaves);
    int len = length;
    for (SharedValue<?> o : others) {
      len = Math.max(len, compatibleLength(o));
      args.add(o.expr);
      merged.putAll(o.leaves);
    }
    return make(new Expr.Call(fn, args), merged, len);
  }

  public S neg() {
    return make(new Expr.Neg(expr), leaves, length);
  }

  /** Secret 0/1: this &lt; o (exact; likewise le, gt, ge, eq, ne). */
  public S lt(SharedValue<?> o) {
    return combine(Operator.LT, o);
  }

  public S le(SharedValue<?> o) {
    return combine(Operator.LE, o);
  }

  public S gt(SharedValue<?> o) {
    return combine(Operator.GT, o);
  }

  public S ge(SharedValue<?> o) {
    return combine(Operator.GE, o);
  }

  public S eq(SharedValue<?> o) {
    return combine(Operator.EQ, o);
  }

  public S ne(SharedValue<?> o) {
    return combine(Operator.NE, o);
  }

  public S abs() {
    return call("abs");
  }

  public S sign() {
    return call("sign");
  }

  public S relu() {
    return call("relu");
  }

  public S min(SharedValue<?> o) {
    return call("min", o);
  }

  public S max(SharedValue<?> o) {
    return call("max", o);
  }

  /** 1 / this (0 where this is 0); accurate for 0.001 ≤ |x| ≤ 100000, see docs/functions.md. */
  public S reciprocal() {
    return call("reciprocal");
  }

  /** e^this; 0 below -32, saturates at e^13.5 above 13.5. */
  public S exp() {
    return call("exp");
  }

  /** Natural logarithm, for positive values. */
  public S log() {
    return call("log");
  }

  /** Square root, for non-negative values. */
  public S sqrt() {
    return call("sqrt");
  }

  /** 1 / sqrt(this), for positive values. */
  public S rsqrt() {
    return call("rsqrt");
  }

  public S sigmoid() {
    return call("sigmoid");
  }

  public S tanh() {
    return call("tanh");
  }

  /** log(1 + e^this), elementwise. */
  public S softplus() {
    return call("softplus");
  }

  /** this (a secret 0/1) ? a : b, elementwise. */
  public S where(SharedValue<?> a, SharedValue<?> b) {
    return call("where", a, b);
  }

  /** A revealed value: raw ring elements and their scale (fractional bits; 0 for integers). */
  record Revealed(long[] raw, int scale) {}

  /** Reveals the value to {@code vm} only, who keeps it as a private value; returns it. */
  Revealed reveal(VirtualMachine vm, String keepAs) {
    Compiler.Output out = new Compiler.Output(expr, vm.name(), keepAs, null);
    Evaluation ev = cluster.sessions().evaluate(List.of(out), parties, leaves::get, null);
    return new Revealed(ev.revealed().get(0), ev.scales().get(0));
  }

  /** Keeps the value shared under {@code name} beyond this connection; returns a handle to it. */
  public S store(String name) {
    cluster.sessions().evaluate(List.of(Compiler.Output.store(expr, name)), parties, leaves::get, cluster.catalog());
    ValueInfo info = cluster.catalog(parties).info(name);
    return make(new Expr.Ref(name), Map.of(name, info), length);
  }

  static List<String> holders(VirtualMachine owner, VirtualMachine... others) {
    Set<String> names = new HashSet<>();
    names.add(owner.name());
    for (VirtualMachine vm : others) {
      if (vm.cluster != owner.cluster) throw SmpcException.usage("%s belongs to another cluster connection", vm);
      names.add(vm.name());
    }
    if (names.size() < 2) throw SmpcException.usage("sharing needs at least one other party besides %s", owner.name());
    return owner.cluster.parties().stream().filter(names::contains).toList();
  }

  static ValueInfo privateLeaf(String name, VirtualMachine owner, int length, boolean real) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
        .setLength(length).setOwner(owner.name()).setFracBits(real ? owner.cluster.config().fracBitsOrDefault() : 0).build();
  }
}
