package smpc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;

@Command(name = "share", mixinStandardHelpOptions = true, description = "Split a private value additively among its owner and other parties (TinySMPC's share).")
final class ShareCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The private value to share (see `smpc list`).")
  String name;

  @Option(names = "--with", required = true, split = ",", paramLabel = "P2,P3", description = "Parties to share with besides the owner.")
  List<String> with;

  @Option(names = "--name", paramLabel = "NEW", description = "Keep the shared value under this name and leave the private one (default: replace it).")
  String as;

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      List<String> parties = c.share(name, with, as);
      spec.commandLine().getOut().printf("%s is now shared among %s%n", as != null ? as : name, String.join(", ", parties));
      return 0;
    }
  }
}
