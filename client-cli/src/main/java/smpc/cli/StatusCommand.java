package smpc.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import smpc.proto.StatusReply;
import smpc.sdk.Cluster;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Health, version and stored values of every party and the dealer; exit 0 only when all are healthy.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (Cluster c = Smpc.root(spec).connect()) {
      Map<String, Object> status = c.status();
      var out = spec.commandLine().getOut();
      status.forEach((name, s) -> {
        String addr = name.equals("dealer") ? c.config().dealer().address()
            : c.config().parties().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow().address();
        if (s instanceof StatusReply r) {
          out.printf("%-10s %-22s SERVING  version %s  %s%n", name, addr, r.getVersion(),
              r.getRole().equals("dealer") ? r.getActiveSessions() + " sessions" : r.getStoredValues() + " values");
        } else {
          out.printf("%-10s %-22s DOWN     %s%n", name, addr, ((Exception) s).getMessage());
        }
      });
      out.flush();
      return Cluster.allHealthy(status) ? 0 : 1;
    }
  }
}
