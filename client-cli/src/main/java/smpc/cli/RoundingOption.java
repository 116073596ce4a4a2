package smpc.cli;

import picocli.CommandLine.Option;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

/** The --rounding of the commands that compute on reals: this run's choice over the cluster file's. */
final class RoundingOption {
  @Option(names = "--rounding", paramLabel = "MODE", description = {
      "How every truncation of a secret real rounds: stochastic (one round, unbiased, the last digit may",
      "differ between runs) or exact (to nearest, the same digits every run, 8 more rounds per truncation).",
      "Default: the cluster's (`smpc cluster up --rounding`), else stochastic."})
  String mode;

  /** The cluster, rounding as this option says (unchanged without it). */
  Cluster apply(Cluster c) {
    Boolean exact;
    try {
      exact = smpc.core.expr.Numerics.exactRounding(mode);
    } catch (smpc.core.Failure e) {
      c.close();
      throw SmpcException.usage("%s", e.getMessage());
    }
    return exact == null ? c : c.withExactRounding(exact);
  }
}
