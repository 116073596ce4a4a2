package smpc.cli;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.net.Trust;
import smpc.sdk.SmpcException;

/**
 * {@code smpc certs init}: one CA per organisation and the certificates of its principals (see
 * {@link Certificates}); {@code smpc certs revoke}: adds a certificate to its organisation's revocation list.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Certificates for mutual TLS.",
    subcommands = {CertsCommand.Init.class, CertsCommand.Revoke.class})
final class CertsCommand {
  @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
  @Command(name = "init", mixinStandardHelpOptions = true, description = {
      "Create one CA per organisation and its principals' certificates (PEM; EC P-256) in DIR.",
      "With --parties (the default): a whole single-operator development cluster; each party's CA signs the party, client-NAME and " +
      "admin-NAME, the dealer's CA signs dealer, and admin (every party's administrator) has a CA of its own. With " +
      "--org: one organisation only, on its own host. Files: trust/ORG.pem (each CA certificate: the trust bundle " +
      "every process mounts), ca/ORG.key (a CA key: keep it offline, never mount it), NAME.pem and NAME.key. Server " +
      "certificates (parties, dealer) name their principal, localhost and 127.0.0.1 (plus --san). Rotate by running " +
      "init again into a new directory and restarting the processes with it."})
  static final class Init implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true)
    Which which;

    static final class Which {
      @Option(names = "--parties", split = ",", description = "Party names of a development cluster (default: alice,bob,carol).")
      List<String> parties;

      @Option(names = "--org", paramLabel = "ORG", description = "One organisation only: a party's name, or dealer.")
      String org;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to create the files in (must not hold that organisation yet).")
    Path out;

    @Option(names = "--san", split = ",", paramLabel = "HOST", description = "More DNS names or IP addresses for every server certificate.")
    List<String> sans = List.of();

    @Option(names = "--days", defaultValue = "365", description = "Validity (default: ${DEFAULT-VALUE} days).")
    int days;

    @Option(names = "--readable-keys", description = {"Make the principals' private keys readable by every user (0644, not 0600): for " +
        "containers on this machine that mount them and run as another user (docker-compose.yml). CA keys stay 0600."})
    boolean readableKeys;

    @Override
    public Integer call() throws Exception {
      if (which != null && which.org != null) {
        List<String> names = Certificates.organisation(out, which.org, sans, days, readableKeys);
        spec.commandLine().getOut().printf("created organisation %s's CA (%s/%s.pem; key ca/%s.key) and %d certificates in %s"
            + " (principals: %s)%n", which.org, Trust.DIR, which.org, which.org, names.size(), out, String.join(", ", names));
        return 0;
      }
      List<String> parties = which != null ? which.parties : List.of("alice", "bob", "carol");
      List<String> names = Certificates.create(out, parties, sans, days, readableKeys);
      spec.commandLine().getOut().printf("created a CA per organisation and %d certificates in %s (principals: %s)%n", names.size(), out,
          String.join(", ", names));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = {
      "Add a certificate to its organisation's revocation list (DIR/trust/ORG.revoked: hex serial numbers, one a line).",
      "Processes using that trust directory refuse the certificate within seconds, without a restart; copy the list " +
      "to every other host's trust directory."})
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The TLS directory whose trust/ holds the lists.")
    Path dir;

    @Option(names = "--cert", paramLabel = "FILE", description = "The certificate to revoke (its organisation and serial are read from it).")
    Path cert;

    @Option(names = "--org", paramLabel = "ORG", description = "The organisation that issued it (with --serial).")
    String org;

    @Option(names = "--serial", paramLabel = "HEX", description = "Its serial number, hexadecimal (as `openssl x509 -serial` shows it).")
    String serial;

    @Override
    public Integer call() throws Exception {
      String organisation = org;
      BigInteger number;
      if (cert != null) {
        X509Certificate c;
        try (InputStream in = Files.newInputStream(cert)) {
          c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Trust.Identity who = Trust.named(c);
        if (who.organisation() == null) throw SmpcException.usage("%s names no principal of a cluster (%s '%s')", cert, who.role(), who.principal());
        if (organisation != null && !organisation.equals(who.organisation())) {
          throw SmpcException.usage("%s belongs to organisation %s, not %s", cert, who.organisation(), organisation);
        }
        organisation = who.organisation();
        number = c.getSerialNumber();
      } else if (org != null && serial != null) {
        try {
          number = new BigInteger(serial.replace(":", ""), 16);
        } catch (NumberFormatException e) {
          throw SmpcException.usage("--serial must be hexadecimal, got '%s'", serial);
        }
      } else {
        throw SmpcException.usage("give --cert FILE, or --org ORG and --serial HEX");
      }
      Path list = Certificates.revoke(dir, organisation, number);
      spec.commandLine().getOut().printf("revoked serial %s of %s in %s%n", number.toString(16), organisation, list);
      return 0;
    }
  }
}
