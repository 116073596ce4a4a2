package smpc.net;

import static smpc.core.Errors.invalid;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import smpc.core.protocol.RevealRoutes;

/**
 * Mutual TLS: a process presents the certificate of its principal ({@code dir/NAME.pem}, {@code dir/NAME.key})
 * and trusts each organisation's CA for that organisation's principals only ({@link Trust}, {@code dir/trust}).
 * A server learns each caller's principal (the certificate's common name) and role (its organisational
 * unit) and exposes them to handlers; a client pinned to a server ({@link #pinned}) talks to nobody else.
 */
public record Tls(Path dir, String principal, String pin) {
  public static final String PARTY = "party";
  public static final String DEALER = "dealer";
  public static final String CLIENT = "client";
  public static final String ADMIN = "admin";
  public static final String DEALER_NAME = "dealer";
  public static final String CLIENT_PREFIX = "client-";
  public static final String ADMIN_PREFIX = "admin-";

  private static final Context.Key<String> CALLER = Context.key("smpc-principal");
  private static final Context.Key<String> ROLE = Context.key("smpc-role");
  private static final String VERIFIED = "smpc.verified-identity";

  public Tls {
    for (String f : new String[] {principal + ".pem", principal + ".key"}) {
      if (!Files.isReadable(dir.resolve(f))) throw invalid("TLS: cannot read %s (create the files with `smpc certs init`)", dir.resolve(f));
    }
    Trust.of(dir);
  }

  /** A process's identity, for servers and for channels that accept any server of the cluster. */
  public Tls(Path dir, String principal) {
    this(dir, principal, null);
  }

  /**
   * The same identity, for a channel that refuses, during the handshake, any server but {@code server}
   * (a party's name, or {@link #DEALER_NAME}) certified by that server's own organisation.
   */
  public Tls pinned(String server) {
    return new Tls(dir, principal, server);
  }

  /**
   * Where a session's parties send their shares of a result revealed to a party P ({@link RevealRoutes}, docs/security.md
   * "Reveals"): straight to a party's own caller when that caller is P's client (P's own organisation) or the party's
   * own client (given only a share its organisation's party holds already), else to P. Every party derives the same
   * routes from the callers the session digest binds (the one caller, or the request's list of each party's), by name:
   * only clients run sessions, and a client's organisation is its name's (client-P). No callers (plaintext): through P.
   */
  public static RevealRoutes revealRoutes(List<String> parties, List<String> callers) {
    if (callers == null) return RevealRoutes.VIA_RECIPIENT;
    return (j, recipient) -> callers.get(j).equals(CLIENT_PREFIX + recipient) || callers.get(j).equals(CLIENT_PREFIX + parties.get(j));
  }

  /** Party names may not collide with the other principals. */
  public static void checkPartyName(String name) {
    if (!isPartyName(name)) {
      throw invalid("'%s' cannot be a party name (letters, digits, _ . -; not dealer, admin, client-... or admin-...)", name);
    }
  }

  static boolean isPartyName(String name) {
    return !name.equals(DEALER_NAME) && !name.equals(ADMIN) && !name.startsWith(CLIENT_PREFIX) && !name.startsWith(ADMIN_PREFIX)
        && name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  }

  /** SSL contexts by identity and file versions: one per process, not one per channel (each costs ~0.1 s cold). */
  private static final ConcurrentHashMap<List<Object>, SslContext> CONTEXTS = new ConcurrentHashMap<>();

  SslContext server() {
    return context(true);
  }

  SslContext client() {
    return context(false);
  }

  private SslContext context(boolean server) {
    List<Object> key = new ArrayList<>(List.of(server));
    key.addAll(versioned());
    return CONTEXTS.computeIfAbsent(key, k -> build(server));
  }

  /**
   * This identity with a digest of the files it is made of (the trusted CAs and revocation lists, the certificate,
   * the key): what a cached SSL context or channel is kept under, so that changed files get a new one, however
   * they were changed (a copy that keeps the files' times included). The files are a few kilobytes.
   */
  public List<Object> versioned() {
    List<Path> files = new ArrayList<>();
    try (var listed = Files.list(dir.resolve(Trust.DIR))) {
      listed.filter(Files::isRegularFile).sorted().forEach(files::add);
    } catch (IOException none) {
      // no trust directory: Trust.of refuses this identity
    }
    files.add(dir.resolve(principal + ".pem"));
    files.add(dir.resolve(principal + ".key"));
    return List.of(this, Trust.digest(files));
  }

  /**
   * Reads a PKCS#8 key and the certificates with the JDK and hands them to Netty: Netty's own file loading
   * registers BouncyCastle (on the CLI's class path) first. Netty then puts the key into a transient key
   * store; the default type (PKCS12) would encrypt it with 10,000 PBKDF2 rounds, for a store that is never
   * written anywhere. Both together cost about half a second of a fresh CLI JVM. Other key formats
   * (SEC1 "EC PRIVATE KEY", PKCS#1) still go through Netty's loader.
   */
  private SslContext build(boolean server) {
    try {
      X509Certificate[] chain = certificates(principal + ".pem");
      // the file's name is whom this process says it is (and, for a client, where the SDK expects its shares to
      // come from: Tls.revealRoutes); the peers see the certificate's. Two names for one identity are refused here
      String named = Trust.commonName(chain[0]);
      if (named != null && !named.equals(principal)) {
        throw new IllegalStateException(String.format("%s.pem names %s, not %s: each principal's certificate file carries its own name",
            principal, named, principal));
      }
      PrivateKey key = pkcs8(principal + ".key", chain[0].getPublicKey().getAlgorithm());
      SslContextBuilder b = server
          ? key != null ? GrpcSslContexts.configure(SslContextBuilder.forServer(key, chain)) : GrpcSslContexts.forServer(file(principal + ".pem"), file(principal + ".key"))
          : key != null ? GrpcSslContexts.forClient().keyManager(key, chain) : GrpcSslContexts.forClient().keyManager(file(principal + ".pem"), file(principal + ".key"));
      if (server) b.clientAuth(ClientAuth.REQUIRE);
      return b.trustManager(Trust.of(dir).manager(server ? null : pin)).keyStoreType("JKS").build();
    } catch (Exception e) {
      throw invalid("TLS: cannot load the certificate of %s from %s: %s", principal, dir, e.getMessage());
    }
  }

  private File file(String name) {
    return dir.resolve(name).toFile();
  }

  private X509Certificate[] certificates(String name) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      X509Certificate[] certs = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new X509Certificate[0]);
      if (certs.length == 0) throw new GeneralSecurityException(name + " holds no certificate");
      return certs;
    }
  }

  /** An unencrypted PKCS#8 PEM key ("BEGIN PRIVATE KEY", what `smpc certs init` writes), else null. */
  private PrivateKey pkcs8(String name, String algorithm) throws IOException, GeneralSecurityException {
    String pem = Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
    String head = "-----BEGIN PRIVATE KEY-----";
    int begin = pem.indexOf(head), end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) return null;
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + head.length(), end));
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** The caller's principal in a handler of a TLS server, or null on a plaintext (development) server. */
  public static String caller() {
    return CALLER.get();
  }

  /** The caller's role (party, dealer, client, admin), or null on a plaintext server. */
  public static String callerRole() {
    return ROLE.get();
  }

  /** Fails with PERMISSION_DENIED naming what was refused, unless the check passed or the server is plaintext. */
  public static void require(boolean allowed, String refused, Object... args) {
    if (caller() != null && !allowed) {
      throw new StatusRuntimeException(Status.PERMISSION_DENIED.withDescription(
          String.format("%s '%s' may not ", callerRole(), caller()) + String.format(refused, args)));
    }
  }

  /**
   * Puts the verified peer certificate's principal and role in the call's context, after checking that its
   * own organisation's CA issued it, that it has not expired and has not been revoked since (so an expiry or a
   * revocation ends open connections' calls too).
   */
  ServerInterceptor identity() {
    Trust trust = Trust.of(dir);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession ssl = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (ssl == null) {
          call.close(Status.UNAUTHENTICATED.withDescription("this server requires mutual TLS"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        try {
          Certificate[] presented = ssl.getPeerCertificates();
          X509Certificate[] chain = java.util.Arrays.copyOf(presented, presented.length, X509Certificate[].class);
          // the chain is verified once per connection; expiry and revocation, which can come while it is open, at every call
          Trust.Identity who = ssl.getValue(VERIFIED) instanceof Trust.Identity known ? known : trust.verify(chain, "UNKNOWN", false, null);
          ssl.putValue(VERIFIED, who);
          trust.requireCurrent(who, chain[0]);
          Context ctx = Context.current().withValue(CALLER, who.principal()).withValue(ROLE, who.role());
          return Contexts.interceptCall(ctx, call, headers, next);
        } catch (SSLPeerUnverifiedException | java.security.cert.CertificateException e) {
          call.close(Status.UNAUTHENTICATED.withDescription("refused the client's certificate: " + e.getMessage()), new Metadata());
          return new ServerCall.Listener<>() {};
        }
      }
    };
  }
}
