package smpc.sdk;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import smpc.core.ring.FixedPoint;

/** A vector known to one party only: integers, or fixed-point reals. */
public final class PrivateVector {
  private final long[] raw;
  private final int scale; // fractional bits; 0 for integers
  private final VirtualMachine owner;
  private final String name;

  /** Stores integer {@code values} on {@code owner} (under a temporary name, deleted when the connection closes). */
  public PrivateVector(long[] values, VirtualMachine owner) {
    this(values.clone(), 0, owner, owner.cluster.temporary());
    owner.cluster.input(owner.name(), name, values);
  }

  /** Stores real {@code values} on {@code owner}, as fixed point with the cluster's fractional bits. */
  public PrivateVector(double[] values, VirtualMachine owner) {
    this(Arrays.stream(values).mapToLong(v -> owner.cluster.encode(v, "element")).toArray(),
        owner.cluster.config().fracBitsOrDefault(), owner, owner.cluster.temporary());
    owner.cluster.inputReal(owner.name(), name,
        Arrays.stream(values).mapToObj(v -> new BigDecimal(Double.toString(v))).toArray(BigDecimal[]::new));
  }

  PrivateVector(long[] raw, int scale, VirtualMachine owner, String name) {
    this.raw = raw;
    this.scale = scale;
    this.owner = owner;
    this.name = name;
  }

  public boolean isReal() {
    return scale != 0;
  }

  /** The integer values (reals rounded toward negative infinity). */
  public long[] values() {
    return Arrays.stream(raw).map(v -> scale == 0 ? v : v >> scale).toArray();
  }

  public double[] doubleValues() {
    return Arrays.stream(raw).mapToDouble(v -> FixedPoint.decode(v, scale).doubleValue()).toArray();
  }

  public int length() {
    return raw.length;
  }

  public VirtualMachine owner() {
    return owner;
  }

  public String name() {
    return name;
  }

  /** Splits the vector additively among the owner and {@code others}. */
  public SharedVector share(VirtualMachine... others) {
    return new SharedVector(owner.cluster, SharedValue.holders(owner, others),
        SharedValue.privateLeaf(name, owner, raw.length, isReal()));
  }

  public SharedVector share(List<VirtualMachine> others) {
    return share(others.toArray(VirtualMachine[]::new));
  }

  @Override
  public String toString() {
    int f = owner.cluster.config().fracBitsOrDefault();
    return "PrivateVector(" + Arrays.stream(raw).mapToObj(v -> FixedPoint.display(v, scale, f).toPlainString())
        .collect(Collectors.joining(", ", "[", "]")) + ", '" + owner.name() + "')";
  }
}
