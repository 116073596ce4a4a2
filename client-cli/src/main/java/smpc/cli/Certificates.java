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
import smpc.sdk.SmpcException;

/**
 * A cluster CA and one certificate per principal (each party, the dealer, a client per party, admin), with
 * BouncyCastle (EC P-256, PEM). The certificate's common name is the principal the processes authorise by;
 * its organisational unit is the role. What `smpc certs init` and `smpc cluster up` make.
 */
final class Certificates {
  private Certificates() {}

  /** Creates the CA and the certificates in {@code out}; returns the principals. */
  public static List<String> create(Path out, List<String> parties, List<String> sans, int days) throws Exception {
    return create(out, parties, sans, days, false);
  }

  public static List<String> create(Path out, List<String> parties, List<String> sans, int days, boolean readableKeys) throws Exception {
    for (String p : parties) {
      try {
        Tls.checkPartyName(p);
      } catch (smpc.core.Failure e) {
        throw SmpcException.usage("%s", e.getMessage());
      }
    }
    if (days < 1 || days > 3650) throw SmpcException.usage("--days must be in [1, 3650], got %d", days);
    Files.createDirectories(out);
    if (Files.exists(out.resolve("ca.pem"))) throw SmpcException.usage("%s already holds a CA (ca.pem): use a new directory", out);
    Instant now = Instant.now();
    KeyPair ca = keyPair();
    X500Name caName = name("smpc cluster CA", "ca");
    X509Certificate caCert = sign(caName, ca.getPublic(), caName, ca, now, true, List.of(), days);
    write(out.resolve("ca.pem"), caCert, false);
    write(out.resolve("ca.key"), ca.getPrivate(), false);
    List<String[]> principals = new ArrayList<>();
    for (String p : parties) principals.add(new String[] {p, Tls.PARTY});
    principals.add(new String[] {Tls.DEALER_NAME, Tls.DEALER});
    for (String p : parties) principals.add(new String[] {Tls.CLIENT_PREFIX + p, Tls.CLIENT});
    principals.add(new String[] {Tls.ADMIN_NAME, Tls.ADMIN});
    for (String[] pr : principals) {
      KeyPair k = keyPair();
      List<String> hosts = new ArrayList<>(List.of(pr[0], "localhost", "127.0.0.1"));
      hosts.addAll(sans);
      write(out.resolve(pr[0] + ".pem"), sign(name(pr[0], pr[1]), k.getPublic(), caName, ca, now, false, hosts, days), false);
      write(out.resolve(pr[0] + ".key"), k.getPrivate(), readableKeys);
    }
    return principals.stream().map(p -> p[0]).toList();
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X500Name name(String cn, String role) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "smpc").addRDN(BCStyle.OU, role).addRDN(BCStyle.CN, cn).build();
  }

  private static X509Certificate sign(X500Name subject, java.security.PublicKey key, X500Name issuer, KeyPair ca, Instant now,
      boolean isCa, List<String> hosts, int days) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, new SecureRandom()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(days))), subject, key);
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.getPublic()));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      GeneralName[] names = hosts.stream().distinct().map(h -> new GeneralName(
          h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h)).toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
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
