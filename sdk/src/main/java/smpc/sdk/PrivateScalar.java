package smpc.sdk;

import java.math.BigDecimal;
import java.util.List;
import smpc.core.ring.FixedPoint;

/** A number known to one party only (the seed's PrivateScalar): an integer, or a fixed-point real. */
public final class PrivateScalar {
  private final long raw;
  private final int scale; // fractional bits; 0 for an integer
  private final VirtualMachine owner;
  private final String name;

  /** Stores the integer {@code value} on {@code owner} (under a temporary name, deleted when the connection closes). */
  public PrivateScalar(long value, VirtualMachine owner) {
    this(value, 0, owner, owner.cluster.temporary());
    owner.cluster.input(owner.name(), name, new long[] {value});
  }

  /** Stores the real {@code value} on {@code owner}, as fixed point with the cluster's fractional bits. */
  public PrivateScalar(double value, VirtualMachine owner) {
    this(owner.cluster.encode(value, "value"), owner.cluster.config().fracBitsOrDefault(), owner, owner.cluster.temporary());
    owner.cluster.inputReal(owner.name(), name, new BigDecimal[] {new BigDecimal(Double.toString(value))});
  }

  PrivateScalar(long raw, int scale, VirtualMachine owner, String name) {
    this.raw = raw;
    this.scale = scale;
    this.owner = owner;
    this.name = name;
  }

  public boolean isReal() {
    return scale != 0;
  }

  /** The integer value (a real's value rounded toward negative infinity). */
  public long value() {
    return scale == 0 ? raw : raw >> scale;
  }

  public double doubleValue() {
    return FixedPoint.decode(raw, scale).doubleValue();
  }

  public VirtualMachine owner() {
    return owner;
  }

  /** The name under which the owner stores it. */
  public String name() {
    return name;
  }

  /** Splits the value additively among the owner and {@code others} (the seed's share). */
  public SharedScalar share(VirtualMachine... others) {
    return new SharedScalar(owner.cluster, SharedValue.holders(owner, others),
        SharedValue.privateLeaf(name, owner, 1, isReal()));
  }

  public SharedScalar share(List<VirtualMachine> others) {
    return share(others.toArray(VirtualMachine[]::new));
  }

  @Override
  public String toString() {
    return "PrivateScalar(" + FixedPoint.display(raw, scale, owner.cluster.config().fracBitsOrDefault()).toPlainString()
        + ", '" + owner.name() + "')";
  }
}
