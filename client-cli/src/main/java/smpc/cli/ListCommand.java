package smpc.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.ValueMeta;
import smpc.sdk.Cluster;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List stored values (names and metadata only).")
final class ListCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--party", paramLabel = "P", description = "Only the values stored on P.")
  String party;

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      if (party != null) c.vm(party);
      var out = spec.commandLine().getOut();
      out.printf("%-24s %-8s %-6s %10s  %s%n", "NAME", "KIND", "TYPE", "SHAPE", "HELD BY");
      c.catalog().all().forEach((name, entries) -> {
        if (party != null && !entries.containsKey(party)) return;
        if (name.startsWith("_sdk_")) return;
        ValueMeta any = entries.values().iterator().next();
        out.printf("%-24s %-8s %-6s %10s  %s%n", name, any.kind(), any.type(), any.shape(), String.join(", ", any.holders()));
      });
      out.flush();
      return 0;
    }
  }
}
