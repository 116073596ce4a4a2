package smpc.net;

import static smpc.core.Errors.invalid;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The cluster's trust bundle: each organisation's CA certificate ({@code trust/ORG.pem}) and the serial
 * numbers it has revoked ({@code trust/ORG.revoked}, hex, one a line, {@code #} comments). An organisation
 * is a party (its principals: the party, {@code client-P}, {@code admin-P}) or the dealer's operator
 * ({@code dealer}); a certificate counts as a principal only if that principal's own organisation's CA
 * signed it, so no CA, however trusted for its own principals, can speak for another organisation.
 *
 * <p>Revocation is a plain file rather than a signed CRL: it is read only by the processes of the host it
 * is on, whose operator already decides which CAs to trust, so a signature would add a key to keep and
 * nothing to check. Each list is re-read every 2 s at most, whatever its modification time says (a copy that
 * kept the old time, or two changes within the clock's resolution, would otherwise go unseen).
 */
public final class Trust {
  public static final String DIR = "trust";
  public static final String REVOKED = ".revoked";
  static final long RECHECK_NANOS = 2_000_000_000L;

  /** A certificate that names no principal of the cluster, or that its principal's organisation did not issue. */
  public static final class Refused extends CertificateException {
    Refused(String fmt, Object... args) {
      super(String.format(fmt, args));
    }
  }

  /** A verified principal: its common name, role (organisational unit) and organisation. */
  public record Identity(String principal, String role, String organisation) {
    boolean serves() {
      return role.equals(Tls.PARTY) || role.equals(Tls.DEALER);
    }
  }

  private record Revoked(Set<BigInteger> serials, long checkedAt) {}

  private static final ConcurrentHashMap<Path, Trust> LOADED = new ConcurrentHashMap<>();

  private final Path dir;
  private final String version; // a digest of the CA files: a CA added, removed or replaced makes a new bundle
  private final Map<String, X509Certificate> authorities;
  private final Map<String, X509ExtendedTrustManager> anchoredAt = new LinkedHashMap<>();
  private final X509ExtendedTrustManager anyAuthority;
  private final ConcurrentHashMap<String, Revoked> revoked = new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
  private static final java.util.regex.Pattern COMMENT = java.util.regex.Pattern.compile("#.*");

  private Trust(Path dir, String version) {
    this.dir = dir;
    this.version = version;
    this.authorities = authorities(dir);
    if (authorities.isEmpty()) throw invalid("TLS: %s holds no organisation's CA certificate (ORG.pem; `smpc certs init` makes them)", dir);
    authorities.forEach((org, ca) -> anchoredAt.put(org, pkix(List.of(ca))));
    anyAuthority = pkix(authorities.values());
  }

  /**
   * The bundle in {@code tlsDir/trust}, loaded again only when its CA files' contents changed (the revocation lists
   * are re-read as they change). A running server keeps the bundle it started with; a client's new connection gets
   * the current one.
   */
  public static Trust of(Path tlsDir) {
    Path dir = tlsDir.toAbsolutePath().normalize().resolve(DIR);
    String version = version(dir);
    return LOADED.compute(dir, (d, old) -> old != null && old.version.equals(version) ? old : new Trust(d, version));
  }

  /** A digest of the CA files (by contents, not times); "" when the directory cannot be listed. */
  private static String version(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return digest(files.filter(f -> f.getFileName().toString().endsWith(".pem")).sorted().toList());
    } catch (IOException e) {
      return ""; // unreadable: the constructor says what is wrong
    }
  }

  /**
   * A SHA-256 of files' names and contents (a few kilobytes of certificates and keys), an unreadable file counted
   * as such: what a cached bundle, SSL context or channel is kept under, so that files changed in any way (a copy
   * that kept their times included) make a new one.
   */
  static String digest(List<Path> files) {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    for (Path f : files) {
      md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      try {
        byte[] b = Files.readAllBytes(f);
        md.update(java.nio.ByteBuffer.allocate(9).put((byte) 0).putLong(b.length).array());
        md.update(b);
      } catch (IOException unreadable) {
        md.update((byte) 1);
      }
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  /** The organisation that is the authority for a principal, or null if the name and role make no principal. */
  public static String organisation(String principal, String role) {
    String org = switch (role) {
      case Tls.PARTY -> principal;
      case Tls.DEALER -> principal.equals(Tls.DEALER_NAME) ? Tls.DEALER_NAME : null;
      case Tls.CLIENT -> principal.startsWith(Tls.CLIENT_PREFIX) ? principal.substring(Tls.CLIENT_PREFIX.length()) : null;
      case Tls.ADMIN -> principal.startsWith(Tls.ADMIN_PREFIX) ? principal.substring(Tls.ADMIN_PREFIX.length()) : null;
      default -> null;
    };
    if (org == null || org.isEmpty() || (role.equals(Tls.PARTY) && !Tls.isPartyName(org))) return null;
    return org;
  }

  /**
   * Checks a peer's chain: it names a principal (CN) with a role (OU), its own organisation's CA signed it
   * (with the key usage of the side it is on: serverAuth for a server, clientAuth for a client) and that
   * organisation has not revoked it.
   *
   * @param engine the handshake's engine (for host name checks), or null
   */
  Identity verify(X509Certificate[] chain, String authType, boolean server, SSLEngine engine) throws CertificateException {
    if (chain == null || chain.length == 0) throw new Refused("no certificate presented");
    X509Certificate leaf = chain[0];
    Identity who = name(leaf);
    String org = organisation(who.principal(), who.role());
    if (org == null) throw new Refused("certificate of %s '%s' names no principal of this cluster", who.role(), who.principal());
    who = new Identity(who.principal(), who.role(), org);
    X509ExtendedTrustManager issuer = anchoredAt.get(org);
    if (issuer == null) throw new Refused("%s '%s': the trust bundle has no authority for organisation '%s'", who.role(), who.principal(), org);
    if (server && !who.serves()) throw new Refused("%s '%s' is not a server (only parties and the dealer serve)", who.role(), who.principal());
    try {
      if (server) issuer.checkServerTrusted(chain, authType, engine);
      else issuer.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw new Refused("certificate of %s '%s' is not valid from %s's authority: %s", who.role(), who.principal(), org, e.getMessage());
    }
    requireNotRevoked(who, leaf);
    return who;
  }

  /**
   * Refuses a certificate past its validity, one whose organisation's CA certificate is past its own, or one revoked
   * by its organisation. A connection outlives all three, so a server checks them at every call, not only at the
   * handshake.
   */
  void requireCurrent(Identity who, X509Certificate leaf) throws Refused {
    requireValid(leaf, () -> String.format("certificate of %s '%s'", who.role(), who.principal()));
    X509Certificate ca = authorities.get(who.organisation());
    if (ca != null) requireValid(ca, () -> String.format("the CA certificate of %s, which issued %s '%s',", who.organisation(), who.role(), who.principal()));
    requireNotRevoked(who, leaf);
  }

  /** {@code what} names the certificate in the refusal, formatted only then: this runs on every call a process takes. */
  private static void requireValid(X509Certificate cert, java.util.function.Supplier<String> what) throws Refused {
    try {
      cert.checkValidity();
    } catch (java.security.cert.CertificateExpiredException e) {
      throw new Refused("%s expired at %s", what.get(), cert.getNotAfter().toInstant());
    } catch (java.security.cert.CertificateNotYetValidException e) {
      throw new Refused("%s is not valid before %s", what.get(), cert.getNotBefore().toInstant());
    }
  }

  void requireNotRevoked(Identity who, X509Certificate leaf) throws Refused {
    if (isRevoked(who.organisation(), leaf.getSerialNumber())) {
      throw new Refused("certificate of %s '%s' (serial %s) is revoked by %s", who.role(), who.principal(), leaf.getSerialNumber().toString(16), who.organisation());
    }
  }

  /** True when {@code org}'s revocation list, as of at most 2 s ago, holds the serial. */
  boolean isRevoked(String org, BigInteger serial) {
    long now = System.nanoTime();
    Revoked r = revoked.get(org);
    if (r == null) {
      r = revoked.computeIfAbsent(org, o -> new Revoked(serials(dir.resolve(o + REVOKED)), now));
    } else if (now - r.checkedAt() > RECHECK_NANOS && refreshing.add(org)) {
      // one call reads the file again (on a transport thread), the others go on with the list read 2 s ago meanwhile
      try {
        r = new Revoked(serials(dir.resolve(org + REVOKED)), now);
        revoked.put(org, r);
      } finally {
        refreshing.remove(org);
      }
    }
    return r.serials().contains(serial);
  }

  /** The revoked serials in a list file (none if it does not exist). */
  public static Set<BigInteger> serials(Path file) {
    Set<BigInteger> s = new HashSet<>();
    if (!Files.exists(file)) return s;
    try (Stream<String> lines = Files.lines(file)) {
      lines.map(l -> COMMENT.matcher(l).replaceAll("").replace(":", "").trim()).filter(l -> !l.isEmpty()).forEach(l -> {
        try {
          s.add(new BigInteger(l, 16));
        } catch (NumberFormatException e) {
          throw invalid("TLS: %s: '%s' is not a hexadecimal serial number", file, l);
        }
      });
    } catch (IOException e) {
      throw invalid("TLS: cannot read the revocation list %s: %s", file, e.getMessage());
    }
    return s;
  }

  /** The principal (CN) and role (OU) a certificate names, and its organisation (null: no principal of a cluster); unverified. */
  public static Identity named(X509Certificate cert) throws Refused {
    Identity who = name(cert);
    return new Identity(who.principal(), who.role(), organisation(who.principal(), who.role()));
  }

  /** The principal (CN) a certificate names, or null when it names none or its subject is unreadable; unverified. */
  public static String commonName(X509Certificate cert) {
    try {
      return name(cert).principal();
    } catch (Refused e) {
      return null;
    }
  }

  private static Identity name(X509Certificate cert) throws Refused {
    String cn = null, ou = null;
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) cn = rdn.getValue().toString();
        if (rdn.getType().equalsIgnoreCase("OU")) ou = rdn.getValue().toString();
      }
    } catch (javax.naming.InvalidNameException e) {
      throw new Refused("unreadable certificate subject: %s", e.getMessage());
    }
    if (cn == null || ou == null) throw new Refused("certificate without a principal (CN) and role (OU)");
    return new Identity(cn, ou, "");
  }

  /**
   * The handshake's trust manager. A client pins the server it meant (a party's name, or the dealer; null
   * accepts any server of the cluster) and refuses any other before sending a byte of a request. A server
   * accepts any client certificate some organisation of the bundle issued: which principal that makes, and
   * whether the right organisation issued it, is checked for every call (Tls's interceptor), so the caller
   * learns why it was refused.
   */
  X509ExtendedTrustManager manager(String pinned) {
    return new X509ExtendedTrustManager() {
      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        Identity who = verify(chain, authType, true, engine);
        if (pinned != null) {
          String role = pinned.equals(Tls.DEALER_NAME) ? Tls.DEALER : Tls.PARTY;
          if (!who.principal().equals(pinned) || !who.role().equals(role)) {
            throw new Refused("expected %s '%s' but the server presented %s '%s'", role, pinned, who.role(), who.principal());
          }
        }
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        anyAuthority.checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        anyAuthority.checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anyAuthority.checkClientTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return authorities.values().toArray(new X509Certificate[0]);
      }
    };
  }

  private static Map<String, X509Certificate> authorities(Path dir) {
    Map<String, X509Certificate> cas = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) throw invalid("TLS: cannot read the trust bundle %s (create it with `smpc certs init`)", dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String file = f.getFileName().toString();
        if (!file.endsWith(".pem")) continue;
        try (InputStream in = Files.newInputStream(f)) {
          cas.put(file.substring(0, file.length() - 4), (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
      }
    } catch (IOException | CertificateException e) {
      throw invalid("TLS: cannot read the trust bundle %s: %s", dir, e.getMessage());
    }
    return cas;
  }

  private static X509ExtendedTrustManager pkix(java.util.Collection<X509Certificate> anchors) {
    try {
      KeyStore ks = KeyStore.getInstance("JKS");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate ca : anchors) ks.setCertificateEntry("ca" + i++, ca);
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(ks);
      for (var tm : f.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager x) return x;
      throw new IllegalStateException("no X509 trust manager");
    } catch (Exception e) {
      throw invalid("TLS: cannot use the trust bundle: %s", e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "trust bundle " + dir + " (" + String.join(", ", authorities.keySet()) + ")";
  }
}
