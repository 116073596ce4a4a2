package smpc.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a cluster's processes listen (and, for a local cluster, their PIDs). Without a cluster file the
 * defaults are those of `smpc cluster up` and of docker-compose.yml: dealer 50050, alice 50051,
 * bob 50052, carol 50053 on 127.0.0.1. {@code as} names the party whose client this client acts as;
 * {@code rounding} ("exact" or "stochastic", default stochastic) how this client's computations round
 * every truncation (smpc.core.expr.Numerics#exactRounding).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterConfig(Node dealer, List<Node> parties, Integer fracBits, String dataDir, TlsConfig tls, String as,
    String rounding) {
  public ClusterConfig {
    try {
      smpc.core.expr.Numerics.exactRounding(rounding); // refuses anything but exact and stochastic
    } catch (smpc.core.Failure e) {
      throw SmpcException.usage("%s", e.getMessage());
    }
  }

  public ClusterConfig(Node dealer, List<Node> parties, Integer fracBits, String dataDir) {
    this(dealer, parties, fracBits, dataDir, null, null, null);
  }

  public ClusterConfig(Node dealer, List<Node> parties, Integer fracBits, String dataDir, TlsConfig tls) {
    this(dealer, parties, fracBits, dataDir, tls, null, null);
  }

  public ClusterConfig(Node dealer, List<Node> parties, Integer fracBits, String dataDir, TlsConfig tls, String as) {
    this(dealer, parties, fracBits, dataDir, tls, as, null);
  }

  /**
   * Mutual TLS: the certificates' directory and the principal this client presents (client-NAME, or an
   * administrator); without a principal, the client acting for each action's party (see {@link #principal}).
   */
  public record TlsConfig(String dir, String principal) {}

  /**
   * The principal every call presents: client-{@code as}, else the TLS principal; null when it is picked per
   * action (a single operator's cluster, whose certificates directory holds every party's client key: the
   * client of the party whose data or results an action concerns), or on a plaintext cluster.
   */
  public String principal() {
    if (as != null) {
      if (!partyNames().contains(as)) throw SmpcException.usage("cannot act as '%s': the cluster's parties are %s", as, String.join(", ", partyNames()));
      return smpc.net.Tls.CLIENT_PREFIX + as;
    }
    return tls != null ? tls.principal() : null;
  }

  /** The TLS identity of {@code principal}, or null for a plaintext (development) cluster. */
  public smpc.net.Tls identity(String principal) {
    if (tls == null) return null;
    try {
      return new smpc.net.Tls(Path.of(tls.dir()), principal);
    } catch (smpc.core.Failure e) {
      throw SmpcException.usage("%s%s", e.getMessage(), principal() == null ? " (or choose whom to act as with --as PARTY)" : "");
    }
  }

  /** This client's TLS identity when it has one principal (else the first party's client, e.g. for health checks), or null. */
  public smpc.net.Tls identity() {
    String p = principal();
    return identity(p != null ? p : smpc.net.Tls.CLIENT_PREFIX + parties.get(0).name());
  }

  public ClusterConfig withTls(TlsConfig t) {
    return new ClusterConfig(dealer, parties, fracBits, dataDir, t, as, rounding);
  }

  /** The same cluster, acting as {@code party}'s client only (null: picked per action). */
  public ClusterConfig withAs(String party) {
    return new ClusterConfig(dealer, parties, fracBits, dataDir, tls, party, rounding);
  }

  /** The same cluster, its computations rounding "exact" or "stochastic" (null: the default, stochastic). */
  public ClusterConfig withRounding(String mode) {
    return new ClusterConfig(dealer, parties, fracBits, dataDir, tls, as, mode);
  }

  /** Whether every truncation rounds exactly (the cluster file's "rounding": "exact"). */
  public boolean exactRounding() {
    return Boolean.TRUE.equals(smpc.core.expr.Numerics.exactRounding(rounding));
  }

  public static final List<String> DEFAULT_PARTIES = List.of("alice", "bob", "carol");
  public static final int DEFAULT_BASE_PORT = 50050;
  public static final int DEFAULT_FRAC_BITS = 16;

  /** One process: its name, host:port and, when this CLI started it, its PID. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(String name, String address, Long pid) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static ClusterConfig local(List<String> names, int basePort) {
    List<Node> parties = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) parties.add(new Node(names.get(i), "127.0.0.1:" + (basePort + 1 + i), null));
    return new ClusterConfig(new Node("dealer", "127.0.0.1:" + basePort, null), parties, DEFAULT_FRAC_BITS, null);
  }

  /**
   * The default endpoints; mutual TLS with the certificates in $SMPC_TLS_DIR, else in ./certs when it holds
   * a cluster's (what docker-compose.yml mounts), presenting $SMPC_PRINCIPAL's (default: picked per action).
   */
  public static ClusterConfig defaults() {
    ClusterConfig c = local(DEFAULT_PARTIES, DEFAULT_BASE_PORT);
    String env = System.getenv("SMPC_TLS_DIR");
    String principal = System.getenv("SMPC_PRINCIPAL");
    Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("certs");
    if (env != null && !env.isBlank() || Files.exists(principal != null ? dir.resolve(principal + ".pem") : dir.resolve("trust"))) {
      c = c.withTls(new TlsConfig(dir.toAbsolutePath().toString(), principal));
    }
    return c;
  }

  /** The cluster file named by --cluster, else $SMPC_CLUSTER, else ~/.smpc/cluster.json. */
  public static Path defaultFile() {
    String env = System.getenv("SMPC_CLUSTER");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".smpc", "cluster.json");
  }

  /** The file's cluster, or the defaults when the file does not exist. */
  public static ClusterConfig loadOrDefaults(Path file) {
    return Files.exists(file) ? load(file) : defaults();
  }

  public static ClusterConfig load(Path file) {
    try {
      ClusterConfig c = JSON.readValue(file.toFile(), ClusterConfig.class);
      if (c.dealer() == null || c.parties() == null || c.parties().isEmpty()) {
        throw SmpcException.usage("cluster file %s lacks the dealer or the parties", file);
      }
      // relative paths in the file are relative to it, not to wherever the CLI runs
      Path base = file.toAbsolutePath().getParent();
      TlsConfig tls = c.tls() == null || c.tls().dir() == null ? c.tls()
          : new TlsConfig(base.resolve(c.tls().dir()).normalize().toString(), c.tls().principal());
      String data = c.dataDir() == null ? null : base.resolve(c.dataDir()).normalize().toString();
      return new ClusterConfig(c.dealer(), c.parties(), c.fracBits(), data, tls, c.as(), c.rounding());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) { // one line: Jackson's message adds its source and location
      var at = e.getLocation();
      throw SmpcException.usage("cluster file %s is not a valid cluster file%s: %s", file,
          at == null ? "" : String.format(" (line %d, column %d)", at.getLineNr(), at.getColumnNr()),
          e.getOriginalMessage().lines().findFirst().orElse("").replaceAll("\\s*\\([^()]*\\[Source:[^\\]]*\\]\\)", ""));
    } catch (IOException e) {
      throw SmpcException.usage("cannot read cluster file %s: %s", file, e.getMessage());
    }
  }

  public void save(Path file) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public List<String> partyNames() {
    return parties.stream().map(Node::name).toList();
  }

  public int fracBitsOrDefault() {
    return fracBits != null ? fracBits : DEFAULT_FRAC_BITS;
  }
}
