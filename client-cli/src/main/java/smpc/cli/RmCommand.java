package smpc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a value (a private value, or every share of a shared one).")
final class RmCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The value to delete (see `smpc list`).")
  String name;

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      List<String> from = c.delete(name);
      if (from.isEmpty()) throw SmpcException.usage("unknown value name '%s'%s", name, c.catalog().hint(name));
      spec.commandLine().getOut().printf("removed %s from %s%n", name, String.join(", ", from));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
