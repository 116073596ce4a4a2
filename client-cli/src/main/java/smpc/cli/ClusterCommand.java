package smpc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.ClusterConfig;
import smpc.sdk.SmpcException;

@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Start or stop a local cluster (dealer + one party-node per party) on 127.0.0.1.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
final class ClusterCommand {
  @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
  @Command(name = "up", mixinStandardHelpOptions = true, description = "Start the dealer (at the base port) and the parties (base+1, base+2, ...); wait until all are healthy.")
  static final class Up implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClusterOptions cluster;
    @Spec CommandSpec spec;

    @Option(names = "--parties", split = ",", defaultValue = "alice,bob,carol", paramLabel = "P1,P2,...",
        description = "Party names, in order (default: the cluster file's, also after `cluster down`; else ${DEFAULT-VALUE}).")
    List<String> parties;

    @Option(names = "--base-port", defaultValue = "50050", description = "Dealer port; parties follow (default: the cluster file's, as --parties; else ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--frac-bits", defaultValue = "16", description = "Fixed-point fractional bits (default: the cluster file's, as --parties; else ${DEFAULT-VALUE}).")
    int fracBits;

    @Option(names = "--rounding", paramLabel = "MODE", description = {"How this cluster's computations round every truncation of a",
        "secret real: stochastic (default; one round) or exact (the same digits every run, 8 more rounds per truncation).",
        "Recorded in the cluster file (also when the cluster is already up); `eval --rounding` overrides it per run."})
    String rounding;

    @Option(names = "--insecure", description = {"Plaintext gRPC without authentication (development only; every process warns at",
        "start). By default every connection is mutual TLS with certificates created in certs/ beside the cluster file",
        "(`smpc certs init`), this CLI presenting the client certificate of the party each action concerns."})
    boolean insecure;

    @Override
    public Integer call() throws Exception {
      Path file = cluster.clusterFile();
      Path stopped = ClusterOptions.stopped(file);
      // `cluster up` brings up the cluster of its file: what the user did not give again is the running or stopped one's
      ClusterConfig previous = Files.exists(file) ? ClusterConfig.load(file) : Files.exists(stopped) ? ClusterConfig.load(stopped) : null;
      var given = spec.commandLine().getParseResult();
      if (previous != null) {
        if (!given.hasMatchedOption("--parties")) parties = previous.partyNames();
        if (!given.hasMatchedOption("--base-port")) basePort = port(previous.dealer().address());
        if (!given.hasMatchedOption("--frac-bits")) fracBits = previous.fracBitsOrDefault();
        if (rounding == null) rounding = previous.rounding();
      }
      if (parties.size() < 2 || parties.stream().distinct().count() != parties.size()) {
        throw SmpcException.usage("a cluster needs at least 2 distinct party names, got %s", parties);
      }
      if (basePort < 1 || basePort + parties.size() > 65535) throw SmpcException.usage("base port %d out of range", basePort);
      ClusterConfig wanted = ClusterConfig.local(parties, basePort);
      wanted = new ClusterConfig(wanted.dealer(), wanted.parties(), fracBits, null).withRounding(rounding);
      if (!insecure) wanted = LocalCluster.withCertificates(wanted, file.toAbsolutePath().getParent().resolve("certs"));
      if (Files.exists(file)) {
        ClusterConfig old = ClusterConfig.load(file);
        if (!old.partyNames().equals(parties) || !old.dealer().address().equals(wanted.dealer().address())) {
          throw SmpcException.usage("cluster file %s describes another cluster (%s, base port %d; asked for %s, base port %d): run"
              + " `smpc cluster down` first, or name another file with --cluster", file, String.join(",", old.partyNames()),
              port(old.dealer().address()), String.join(",", parties), basePort);
        }
        if (fracBits != old.fracBitsOrDefault()) { // given (else it is the file's): the running processes keep theirs
          throw SmpcException.usage("cluster file %s describes a cluster of %d fractional bits, asked for %d: run `smpc cluster down`"
              + " first", file, old.fracBitsOrDefault(), fracBits);
        }
        wanted = rounding != null ? old.withRounding(rounding) : old; // restart only what died, on the same ports
      }
      Path logs = file.toAbsolutePath().getParent().resolve("logs");
      ClusterConfig running = LocalCluster.up(wanted, logs);
      running.save(file);
      Files.deleteIfExists(stopped);
      var out = spec.commandLine().getOut();
      out.printf("dealer     %s%n", running.dealer().address());
      running.parties().forEach(p -> out.printf("%-10s %s%n", p.name(), p.address()));
      out.printf("cluster is up (cluster file %s, logs in %s)%n", file, logs);
      out.flush();
      return 0;
    }
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop exactly the processes `smpc cluster up` started.")
  static final class Down implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClusterOptions cluster;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path file = cluster.clusterFile();
      if (!Files.exists(file) && Files.exists(ClusterOptions.stopped(file))) { // stopped already: as good as done
        spec.commandLine().getOut().printf("nothing to stop: the cluster of %s is down already%n", file);
        spec.commandLine().getOut().flush();
        return 0;
      }
      if (!Files.exists(file)) throw SmpcException.usage("no cluster file at %s: nothing to stop", file);
      ClusterConfig config = ClusterConfig.load(file);
      List<String> stopped = LocalCluster.down(config);
      List<String> alive = LocalCluster.stillRunning(config);
      if (!alive.isEmpty()) throw SmpcException.failure("could not stop %s; cluster file %s kept", String.join(", ", alive), file);
      // kept aside, so that later commands say that this cluster is down instead of trying the default endpoints
      Files.move(file, ClusterOptions.stopped(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      spec.commandLine().getOut().println(stopped.isEmpty() ? "no process was running" : "stopped " + String.join(", ", stopped));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
