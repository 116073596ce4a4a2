package smpc.sdk;

import java.util.Arrays;
import java.util.List;

/** A vector known to one party only. */
public final class PrivateVector {
  private final long[] values;
  private final VirtualMachine owner;
  private final String name;

  /** Stores {@code values} on {@code owner} (under a temporary name, deleted when the cluster connection closes). */
  public PrivateVector(long[] values, VirtualMachine owner) {
    this(values.clone(), owner, owner.cluster.temporary());
    owner.cluster.input(owner.name(), name, values);
  }

  PrivateVector(long[] values, VirtualMachine owner, String name) {
    this.values = values;
    this.owner = owner;
    this.name = name;
  }

  public long[] values() {
    return values.clone();
  }

  public int length() {
    return values.length;
  }

  public VirtualMachine owner() {
    return owner;
  }

  public String name() {
    return name;
  }

  /** Splits the vector additively among the owner and {@code others}. */
  public SharedVector share(VirtualMachine... others) {
    return new SharedVector(owner.cluster, SharedValue.holders(owner, others), SharedValue.privateLeaf(name, owner, values.length));
  }

  public SharedVector share(List<VirtualMachine> others) {
    return share(others.toArray(VirtualMachine[]::new));
  }

  @Override
  public String toString() {
    return "PrivateVector(" + Arrays.toString(values) + ", '" + owner.name() + "')";
  }
}
