package smpc.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "revoke", mixinStandardHelpOptions = true, description = {
    "Withdraw your organisation's approval of a computation or its policy on a value (run as its client: --as P).",
    "The next session that needed it is refused."})
final class RevokeCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--digest", paramLabel = "HEX", description = "Withdraw the approvals of this computation digest.")
  String digest;

  @Option(names = "--value", paramLabel = "NAME", description = "Withdraw the policy on this value.")
  String value;

  @Override
  public Integer call() {
    if (digest == null && value == null) throw SmpcException.usage("say what to revoke: --digest HEX and/or --value NAME");
    try (Cluster c = cluster.connect()) {
      int n = c.consent().revoke(digest, value);
      if (n == 0) throw SmpcException.usage("nothing to revoke: no approval of that digest and no policy on that value");
      spec.commandLine().getOut().printf("revoked %d consent%s%n", n, n == 1 ? "" : "s");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
