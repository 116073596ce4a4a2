package smpc.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smpc certs init}: a cluster CA and one certificate per principal (each party, the dealer, a
 * client per party, admin), with BouncyCastle. The certificate's common name is the principal the
 * processes authorise by; its organisational unit is the role.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Certificates for mutual TLS.",
    subcommands = {CertsCommand.Init.class})
final class CertsCommand {
  @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
  @Command(name = "init", mixinStandardHelpOptions = true, description = {
      "Create a cluster CA and certificates (PEM; EC P-256) for the parties, the dealer, one client principal",
      "per party (client-NAME) and admin, in DIR: ca.pem, ca.key, NAME.pem, NAME.key. Each server certificate names",
      "its principal, localhost and 127.0.0.1 (plus --san). Keep ca.key offline; rotate by running init again",
      "into a new directory and restarting the processes with it."})
  static final class Init implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
    @Spec CommandSpec spec;

    @Option(names = "--parties", split = ",", defaultValue = "alice,bob,carol", description = "Party names (default: ${DEFAULT-VALUE}).")
    List<String> parties;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create the files in (must not hold certificates yet).")
    Path out;

    @Option(names = "--san", split = ",", paramLabel = "HOST", description = "More DNS names or IP addresses for every server certificate.")
    List<String> sans = List.of();

    @Option(names = "--days", defaultValue = "365", description = "Validity (default: ${DEFAULT-VALUE} days).")
    int days;

    @Option(names = "--readable-keys", description = {"Make the private keys readable by every user (0644, not 0600): for containers",
        "on this machine that mount the directory and run as another user (docker-compose.yml)."})
    boolean readableKeys;

    @Override
    public Integer call() throws Exception {
      List<String> names = Certificates.create(out, parties, sans, days, readableKeys);
      spec.commandLine().getOut().printf("created a CA and %d certificates in %s (principals: %s)%n", names.size(), out,
          String.join(", ", names));
      return 0;
    }
  }
}
