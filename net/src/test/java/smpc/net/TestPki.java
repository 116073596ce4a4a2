package smpc.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates of any shape for tests: an organisation's CA, and certificates it (or any other CA) signs
 * for any name, role and key usage, written in the layout of a TLS directory (trust/ORG.pem, NAME.pem, NAME.key).
 */
public final class TestPki {
  private TestPki() {}

  /** An organisation's CA: its key and self-signed certificate. */
  public record Ca(String org, PrivateKey key, X509Certificate cert) {
    /** The CA `smpc certs init` made in {@code tlsDir} (trust/ORG.pem, ca/ORG.key). */
    public static Ca load(Path tlsDir, String org) throws Exception {
      X509Certificate cert;
      try (InputStream in = Files.newInputStream(tlsDir.resolve(Trust.DIR).resolve(org + ".pem"))) {
        cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      try (Reader r = Files.newBufferedReader(tlsDir.resolve("ca").resolve(org + ".key")); PEMParser p = new PEMParser(r)) {
        return new Ca(org, new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) p.readObject()), cert);
      }
    }

    /** Writes the CA's certificate into {@code tlsDir}'s trust bundle. */
    public Ca trustedIn(Path tlsDir) throws IOException {
      write(Files.createDirectories(tlsDir.resolve(Trust.DIR)).resolve(org + ".pem"), cert);
      return this;
    }
  }

  /** A new CA for {@code org}. */
  public static Ca ca(String org) throws Exception {
    return ca(org, Instant.now().plus(Duration.ofDays(1)));
  }

  /** A new CA for {@code org}, valid until {@code notAfter}. */
  public static Ca ca(String org, Instant notAfter) throws Exception {
    KeyPair k = keyPair();
    X500Name name = name("test CA " + org, "ca");
    JcaX509v3CertificateBuilder b = builder(name, name, k.getPublic(), notAfter);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return new Ca(org, k.getPrivate(), sign(b, k.getPrivate()));
  }

  /**
   * A certificate for principal {@code cn} with role {@code ou}, signed by {@code by}, written to
   * {@code tlsDir/cn.pem} and {@code tlsDir/cn.key}; {@code serverAuth} adds that usage (and localhost names).
   */
  public static X509Certificate issue(Path tlsDir, Ca by, String cn, String ou, boolean serverAuth) throws Exception {
    return issue(tlsDir, by, cn, ou, serverAuth, Instant.now().plus(Duration.ofDays(1)));
  }

  /** As above, valid until {@code notAfter}. */
  public static X509Certificate issue(Path tlsDir, Ca by, String cn, String ou, boolean serverAuth, Instant notAfter) throws Exception {
    KeyPair k = keyPair();
    JcaX509v3CertificateBuilder b = builder(name(cn, ou), X500Name.getInstance(by.cert().getSubjectX500Principal().getEncoded()), k.getPublic(), notAfter);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(serverAuth
        ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth} : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    X509Certificate cert = sign(b, by.key());
    Files.createDirectories(tlsDir);
    write(tlsDir.resolve(cn + ".pem"), cert);
    write(tlsDir.resolve(cn + ".key"), new JcaPKCS8Generator(k.getPrivate(), null));
    return cert;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static X500Name name(String cn, String ou) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, ou).addRDN(BCStyle.CN, cn).build();
  }

  private static JcaX509v3CertificateBuilder builder(X500Name subject, X500Name issuer, java.security.PublicKey key) {
    return builder(subject, issuer, key, Instant.now().plus(Duration.ofDays(1)));
  }

  private static JcaX509v3CertificateBuilder builder(X500Name subject, X500Name issuer, java.security.PublicKey key, Instant notAfter) {
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
        Date.from(Instant.now().minus(Duration.ofMinutes(5))), Date.from(notAfter), subject, key);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static void write(Path file, Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    Files.writeString(file, s.toString());
  }
}
