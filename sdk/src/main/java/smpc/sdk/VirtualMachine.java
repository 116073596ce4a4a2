package smpc.sdk;

/** A party of the cluster, as in the seed: values live on it, and results can be revealed to it. */
public final class VirtualMachine {
  private final String name;
  final Cluster cluster;

  VirtualMachine(String name, Cluster cluster) {
    this.name = name;
    this.cluster = cluster;
  }

  public String name() {
    return name;
  }

  /** Stores a private scalar on this party under a name that outlives the connection. */
  public PrivateScalar input(String valueName, long value) {
    cluster.input(name, valueName, new long[] {value});
    return new PrivateScalar(value, 0, this, valueName);
  }

  /** Stores a private vector on this party under a name that outlives the connection. */
  public PrivateVector input(String valueName, long[] values) {
    cluster.input(name, valueName, values);
    return new PrivateVector(values.clone(), 0, this, valueName);
  }

  @Override
  public String toString() {
    return "VirtualMachine('" + name + "')";
  }
}
