package smpc.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import smpc.sdk.ProcessStatus;
import smpc.sdk.Cluster;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Health, version and stored values of every party and the dealer; exit 0 only when all are healthy.")
final class StatusCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
      description = "Wait up to SECONDS for every process to be healthy (containers and JVMs starting), then report.")
  int waitSeconds;

  @picocli.CommandLine.Option(names = "--json", description = "Print one JSON object: each process's figures, or its error.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Cluster c = cluster.connect()) {
      Map<String, ProcessStatus> status = c.status();
      long until = System.nanoTime() + waitSeconds * 1_000_000_000L;
      while (!Cluster.allHealthy(status) && System.nanoTime() < until) {
        Thread.sleep(1000);
        status = c.status();
      }
      var out = spec.commandLine().getOut();
      if (json) {
        var o = Results.JSON.createObjectNode();
        o.put("healthy", Cluster.allHealthy(status));
        var each = o.putObject("processes");
        status.forEach((name, s) -> {
          var p = each.putObject(name).put("role", s.role()).put("address", s.address()).put("up", s.up());
          if (s.up()) {
            p.put("version", s.version()).put("stored_values", s.storedValues()).put("active_sessions", s.activeSessions());
          } else {
            p.put("error", s.error().getMessage());
          }
        });
        out.println(Results.JSON.writeValueAsString(o));
      } else status.forEach((name, s) -> {
        if (s.up()) {
          out.printf("%-10s %-22s SERVING  version %s  %s%n", name, s.address(), s.version(),
              s.role().equals("dealer") ? s.activeSessions() + " sessions" : s.storedValues() + " values");
        } else {
          out.printf("%-10s %-22s DOWN     %s%n", name, s.address(), s.error().getMessage());
        }
      });
      out.flush();
      if (status.values().stream().noneMatch(ProcessStatus::up)) {
        // a process that answered but whose handshake failed is running: starting a cluster is not the remedy
        boolean tls = status.values().stream().anyMatch(s -> s.error().getMessage().contains("certificate"));
        spec.commandLine().getErr().println(tls
            ? "smpc: no process accepted a TLS handshake: the certificates " + certificates(c) + " are not this cluster's (see each line; "
                + "`--cluster FILE` or SMPC_TLS_DIR chooses others)"
            : "smpc: no process answers: `smpc cluster up` starts a local cluster, `docker-compose up -d` the compose stack");
      }
      return Cluster.allHealthy(status) ? 0 : 1;
    }
  }

  private static String certificates(Cluster c) {
    var tls = c.config().tls();
    return tls == null ? "(none: plaintext)" : "in " + tls.dir();
  }
}
