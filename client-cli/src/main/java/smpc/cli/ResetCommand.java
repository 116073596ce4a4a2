package smpc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "reset", mixinStandardHelpOptions = true, description = {
    "Delete every value stored on a party (default: on every party).",
    "Values outlive `smpc cluster down`; this clears them. Each deletion is authorised as `smpc rm` is:",
    "the party's own client or its administrator."})
final class ResetCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--party", split = ",", paramLabel = "P", description = "Only these parties (default: all of the cluster).")
  List<String> parties;

  @Option(names = "--yes", description = "Confirm: the values cannot be recovered.")
  boolean yes;

  @Override
  public Integer call() {
    try (Cluster c = cluster.connect()) {
      List<String> which = parties != null ? parties : c.parties();
      for (String p : which) c.vm(p);
      if (!yes) throw SmpcException.usage("reset deletes every value stored on %s for good: add --yes", String.join(", ", which));
      var out = spec.commandLine().getOut();
      for (String p : which) {
        List<String> gone = c.reset(p);
        out.printf("%s: deleted %d value%s%n", p, gone.size(), gone.size() == 1 ? "" : "s");
      }
      out.flush();
      // a shared value whose share on a reset party is gone can never be opened again: said now, not at its next use
      if (!which.containsAll(c.parties())) {
        List<String> broken = new java.util.ArrayList<>();
        c.catalog().all().forEach((name, held) -> {
          if (held.values().stream().anyMatch(m -> m.shared() && m.parties().stream().anyMatch(which::contains))) broken.add(name);
        });
        if (!broken.isEmpty()) {
          spec.commandLine().getErr().printf("smpc: warning: shared value%s %s lost %s share%s and can no longer be used; remove %s with `smpc rm`%n",
              broken.size() == 1 ? "" : "s", String.join(", ", broken), String.join(" and ", which) + "'s", broken.size() == 1 ? "" : "s",
              broken.size() == 1 ? "it" : "them");
        }
      }
      return 0;
    }
  }
}
