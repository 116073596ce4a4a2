package smpc.sdk;

import java.util.List;

/** A number known to one party only (the seed's PrivateScalar). */
public final class PrivateScalar {
  private final long value;
  private final VirtualMachine owner;
  private final String name;

  /** Stores {@code value} on {@code owner} (under a temporary name, deleted when the cluster connection closes). */
  public PrivateScalar(long value, VirtualMachine owner) {
    this(value, owner, owner.cluster.temporary());
    owner.cluster.input(owner.name(), name, new long[] {value});
  }

  PrivateScalar(long value, VirtualMachine owner, String name) {
    this.value = value;
    this.owner = owner;
    this.name = name;
  }

  public long value() {
    return value;
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
    return new SharedScalar(owner.cluster, SharedValue.holders(owner, others), SharedValue.privateLeaf(name, owner, 1));
  }

  public SharedScalar share(List<VirtualMachine> others) {
    return share(others.toArray(VirtualMachine[]::new));
  }

  @Override
  public String toString() {
    return "PrivateScalar(" + value + ", '" + owner.name() + "')";
  }
}
