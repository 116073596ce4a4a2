package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.net.Trust;

/** `smpc certs init` (a development cluster, or one organisation) and `smpc certs revoke`. */
class CertsCommandTest {
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1", CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  @TempDir Path dir;

  static TestCluster.Result smpc(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Smpc.commandLine(new io.grpc.ClientInterceptor[0]).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new TestCluster.Result(code, out.toString(), err.toString());
  }

  static X509Certificate cert(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static List<String> files(Path root) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aDevelopmentClusterHasOneAuthorityPerOrganisationAndKeyUsageByRole() throws Exception {
    Path out = dir.resolve("certs");
    assertThat(smpc("certs", "init", "--parties", "alice,bob", "--out", out.toString()).code()).isZero();
    assertThat(files(out.resolve(Trust.DIR))).containsExactly("alice.pem", "bob.pem", "dealer.pem");
    assertThat(files(out.resolve("ca"))).containsExactly("alice.key", "bob.key", "dealer.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca")))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca").resolve("alice.key")))).isEqualTo("rw-------");
    for (String[] p : new String[][] {{"alice", "alice"}, {"client-alice", "alice"}, {"admin-alice", "alice"}, {"bob", "bob"},
        {"client-bob", "bob"}, {"admin-bob", "bob"}, {"dealer", "dealer"}}) {
      X509Certificate c = cert(out.resolve(p[0] + ".pem"));
      // issued by its own organisation's CA
      c.verify(cert(out.resolve(Trust.DIR).resolve(p[1] + ".pem")).getPublicKey());
      assertThat(Trust.named(c).organisation()).isEqualTo(p[1]);
      boolean serves = p[0].equals("alice") || p[0].equals("bob") || p[0].equals("dealer");
      assertThat(c.getExtendedKeyUsage()).as(p[0]).containsExactlyInAnyOrderElementsOf(serves ? List.of(SERVER_AUTH, CLIENT_AUTH) : List.of(CLIENT_AUTH));
      assertThat(c.getSubjectAlternativeNames() != null).as(p[0]).isEqualTo(serves);
    }
    assertThat(smpc("certs", "init", "--parties", "alice,bob", "--out", out.toString()).err()).contains("already holds certificates");
  }

  @Test
  void anOrganisationMakesOnlyItsOwnKeys() throws Exception {
    Path out = dir.resolve("alice-host");
    TestCluster.Result r = smpc("certs", "init", "--org", "alice", "--out", out.toString(), "--san", "alice.example.org");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(files(out)).containsExactly("admin-alice.key", "admin-alice.pem", "alice.key", "alice.pem", "ca/alice.key",
        "client-alice.key", "client-alice.pem", "trust/alice.pem");
    assertThat(cert(out.resolve("alice.pem")).getSubjectAlternativeNames().toString()).contains("alice.example.org");
    Path dealer = dir.resolve("dealer-host");
    assertThat(smpc("certs", "init", "--org", "dealer", "--out", dealer.toString()).code()).isZero();
    assertThat(files(dealer)).containsExactly("ca/dealer.key", "dealer.key", "dealer.pem", "trust/dealer.pem");
    assertThat(smpc("certs", "init", "--org", "alice", "--out", out.toString()).err()).contains("already holds organisation alice's CA");
    assertThat(smpc("certs", "init", "--org", "client-x", "--out", dir.resolve("x").toString()).err()).contains("cannot be a party name");
  }

  @Test
  void revokingAddsTheSerialToTheOrganisationsListOnce() throws Exception {
    Path out = dir.resolve("certs");
    smpc("certs", "init", "--parties", "alice,bob", "--out", out.toString());
    X509Certificate client = cert(out.resolve("client-alice.pem"));
    Path list = out.resolve(Trust.DIR).resolve("alice" + Trust.REVOKED);
    for (int i = 0; i < 2; i++) {
      TestCluster.Result r = smpc("certs", "revoke", "--dir", out.toString(), "--cert", out.resolve("client-alice.pem").toString());
      assertThat(r.code()).as(r.err()).isZero();
    }
    assertThat(Trust.serials(list)).containsExactly(client.getSerialNumber());
    X509Certificate bob = cert(out.resolve("bob.pem"));
    assertThat(smpc("certs", "revoke", "--dir", out.toString(), "--org", "bob", "--serial", bob.getSerialNumber().toString(16)).code()).isZero();
    assertThat(Trust.serials(out.resolve(Trust.DIR).resolve("bob" + Trust.REVOKED))).containsExactly(bob.getSerialNumber());
    assertThat(smpc("certs", "revoke", "--dir", out.toString(), "--org", "mallory", "--serial", "1f").err()).contains("has no organisation 'mallory'");
    assertThat(smpc("certs", "revoke", "--dir", out.toString(), "--org", "bob", "--cert", out.resolve("client-alice.pem").toString()).err())
        .contains("belongs to organisation alice, not bob");
  }
}
