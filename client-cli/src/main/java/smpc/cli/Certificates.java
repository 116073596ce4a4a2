package smpc.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import smpc.net.Tls;
import smpc.net.Trust;
import smpc.sdk.SmpcException;

/**
 * One CA per organisation (each party; the dealer's operator) and the certificates of its principals, with
 * BouncyCastle (EC P-256, PEM). The certificate's common name is the principal the processes authorise by;
 * its organisational unit is the role; its extended key usage is the role's: parties and the dealer serve
 * and call (serverAuth, clientAuth), clients and administrators only call (clientAuth). What `smpc certs
 * init` and `smpc cluster up` make. Layout of a TLS directory: {@code trust/ORG.pem} (each organisation's
 * CA certificate: the trust bundle, see smpc.net.Trust), {@code ca/ORG.key} (a CA's key: never mounted
 * into a process) and {@code NAME.pem}, {@code NAME.key} per principal.
 */
final class Certificates {
  private Certificates() {}

  /** A principal to certify: its name, role and whether it serves (parties and the dealer). */
  private record Principal(String name, String role) {
    boolean serves() {
      return role.equals(Tls.PARTY) || role.equals(Tls.DEALER);
    }
  }

  /** Creates a single-operator development cluster's organisations and certificates in {@code out}; returns the principals. */
  public static List<String> create(Path out, List<String> parties, List<String> sans, int days) throws Exception {
    return create(out, parties, sans, days, false);
  }

  /**
   * Every organisation of a cluster in one directory: each party's (the party, client-P, admin-P) and the
   * dealer's. There is no administrator of every party: each organisation administers its own.
   */
  public static List<String> create(Path out, List<String> parties, List<String> sans, int days, boolean readableKeys) throws Exception {
    for (String p : parties) checkParty(p);
    check(days);
    if (Files.exists(out.resolve(Trust.DIR))) throw SmpcException.usage("%s already holds certificates (%s/): use a new directory", out, Trust.DIR);
    List<String> names = new ArrayList<>();
    for (String p : parties) names.addAll(organisation(out, p, sans, days, readableKeys));
    names.addAll(organisation(out, Tls.DEALER_NAME, sans, days, readableKeys));
    return names;
  }

  /**
   * One organisation's CA ({@code trust/ORG.pem}, {@code ca/ORG.key}) and its principals: a party's (the party,
   * {@code client-P}, {@code admin-P}), the dealer's ({@code dealer}).
   */
  public static List<String> organisation(Path out, String org, List<String> sans, int days, boolean readableKeys) throws Exception {
    check(days);
    List<Principal> principals = switch (org) {
      case Tls.DEALER_NAME -> List.of(new Principal(Tls.DEALER_NAME, Tls.DEALER));
      default -> {
        checkParty(org);
        yield List.of(new Principal(org, Tls.PARTY), new Principal(Tls.CLIENT_PREFIX + org, Tls.CLIENT),
            new Principal(Tls.ADMIN_PREFIX + org, Tls.ADMIN));
      }
    };
    Path caCertFile = out.resolve(Trust.DIR).resolve(org + ".pem");
    if (Files.exists(caCertFile)) throw SmpcException.usage("%s already holds organisation %s's CA (%s): use a new directory", out, org, caCertFile);
    Files.createDirectories(caCertFile.getParent());
    Path caDir = Files.createDirectories(out.resolve("ca"));
    try {
      Files.setPosixFilePermissions(caDir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Path caKeyFile = caDir.resolve(org + ".key");
    Instant now = Instant.now();
    KeyPair ca = keyPair();
    X500Name caName = name("smpc CA " + org, "ca", org);
    write(caCertFile, sign(caName, ca.getPublic(), caName, ca, now, null, List.of(), days), false);
    write(caKeyFile, ca.getPrivate(), false);
    for (Principal pr : principals) {
      KeyPair k = keyPair();
      List<String> hosts = new ArrayList<>();
      if (pr.serves()) {
        hosts.addAll(List.of(pr.name(), "localhost", "127.0.0.1"));
        hosts.addAll(sans);
      }
      write(out.resolve(pr.name() + ".pem"), sign(name(pr.name(), pr.role(), org), k.getPublic(), caName, ca, now, pr, hosts, days), false);
      write(out.resolve(pr.name() + ".key"), k.getPrivate(), readableKeys);
    }
    return principals.stream().map(Principal::name).toList();
  }

  /**
   * Adds a serial number to {@code org}'s revocation list in {@code dir}'s trust bundle; the processes using
   * that bundle refuse the certificate within seconds. Returns the list file.
   */
  public static Path revoke(Path dir, String org, java.math.BigInteger serial) throws IOException {
    Path list = dir.resolve(Trust.DIR).resolve(org + Trust.REVOKED);
    if (!Files.exists(dir.resolve(Trust.DIR).resolve(org + ".pem"))) {
      throw SmpcException.usage("%s's trust bundle has no organisation '%s'", dir, org);
    }
    if (Trust.serials(list).contains(serial)) return list;
    // a new file moved into place: a process never reads half a list, and a bind-mounted directory shows it
    Path tmp = list.resolveSibling(list.getFileName() + ".tmp");
    String before = Files.exists(list) ? Files.readString(list) : "# serial numbers (hex) of certificates " + org + " has revoked\n";
    Files.writeString(tmp, before + (before.endsWith("\n") || before.isEmpty() ? "" : "\n") + serial.toString(16) + "\n");
    Files.move(tmp, list, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return list;
  }

  private static void checkParty(String p) {
    try {
      Tls.checkPartyName(p);
    } catch (smpc.core.Failure e) {
      throw SmpcException.usage("%s", e.getMessage());
    }
  }

  private static void check(int days) {
    if (days < 1 || days > 3650) throw SmpcException.usage("--days must be in [1, 3650], got %d", days);
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X500Name name(String cn, String role, String org) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, org).addRDN(BCStyle.OU, role).addRDN(BCStyle.CN, cn).build();
  }

  /** @param principal null for the CA's own certificate */
  private static X509Certificate sign(X500Name subject, java.security.PublicKey key, X500Name issuer, KeyPair ca, Instant now,
      Principal principal, List<String> hosts, int days) throws Exception {
    boolean isCa = principal == null;
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, new SecureRandom()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(days))), subject, key);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, isCa ? new BasicConstraints(0) : new BasicConstraints(false));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.getPublic()));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(principal.serves()
          ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
          : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
      if (!hosts.isEmpty()) {
        GeneralName[] names = hosts.stream().distinct().map(h -> new GeneralName(
            h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h)).toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
    }
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate());
    X509CertificateHolder h = b.build(signer);
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  private static void write(Path file, Object o, boolean readable) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
    }
    Files.writeString(file, s.toString());
    if (o instanceof PrivateKey) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(readable ? "rw-r--r--" : "rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
    }
  }
}
