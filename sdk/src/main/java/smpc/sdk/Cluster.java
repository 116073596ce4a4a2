package smpc.sdk;

import io.grpc.ClientInterceptor;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import smpc.core.expr.Compiler;
import smpc.core.expr.Numerics;
import smpc.proto.DealerGrpc;
import smpc.proto.PartyGrpc;
import smpc.proto.StatusRequest;

/**
 * A connection to a running cluster, the coordinator's side: {@link #values()} stores inputs on their owners
 * and lists what the parties hold, {@link #sessions()} runs computations, {@link #vm} gives TinySMPC's
 * VirtualMachine vocabulary on top. Parties exchange openings among themselves: it receives no share but the parts of
 * a result revealed to its organisation, which it adds up (docs/security.md "Reveals").
 * The most common calls of both halves are here too.
 */
public final class Cluster implements AutoCloseable {
  private final Connection conn;
  private final Sessions sessions;
  private final Values values;
  private final Consent consent;

  private Cluster(ClusterConfig config, ChannelPool pool, ClientInterceptor[] interceptors) {
    this.conn = new Connection(config, pool, interceptors);
    Sessions[] s = new Sessions[1];
    this.values = new Values(conn, () -> s[0].changed());
    this.sessions = s[0] = new Sessions(conn, values);
    this.consent = new Consent(conn, values, sessions);
  }

  /** Connects to the cluster; interceptors see every call (auditing, metrics). */
  public static Cluster connect(ClusterConfig config, ClientInterceptor... interceptors) {
    return new Cluster(config, null, interceptors);
  }

  /**
   * Connects on {@code pool}'s channels, which outlive this cluster object (its close leaves them open): for a
   * long-lived client that connects often (see {@link ChannelPool}).
   */
  public static Cluster connect(ClusterConfig config, ChannelPool pool, ClientInterceptor... interceptors) {
    return new Cluster(config, java.util.Objects.requireNonNull(pool), interceptors);
  }

  /** The cluster of $SMPC_CLUSTER or ~/.smpc/cluster.json, else the default local endpoints. */
  public static Cluster connect() {
    return connect(ClusterConfig.loadOrDefaults(ClusterConfig.defaultFile()));
  }

  /** Deadline of each session and call (default 60 s). */
  public Cluster withTimeout(Duration timeout) {
    conn.timeout = timeout;
    return this;
  }

  /**
   * Told once per principal when this connection first presents it, if each action picks its own (see
   * {@link ClusterConfig#principal}): say, to show whom the CLI acted as.
   */
  public Cluster onPicked(java.util.function.Consumer<String> listener) {
    conn.picked = listener;
    return this;
  }

  /**
   * Told (rounds done, rounds in all) while a long session runs: its first party reports after a second,
   * then at most twice a second (on a gRPC thread: keep it short).
   */
  public Cluster onProgress(java.util.function.BiConsumer<Integer, Integer> listener) {
    conn.progress = listener;
    return this;
  }

  /**
   * Numeric settings of division and the nonlinear functions, and the rounding of truncations (default
   * {@link Numerics#DEFAULT}, with the cluster file's rounding).
   */
  public Cluster withNumerics(Numerics numerics) {
    sessions.numerics = numerics;
    return this;
  }

  /** The numeric settings this client's computations compile with. */
  public Numerics numerics() {
    return sessions.numerics;
  }

  /** Every truncation rounded to nearest exactly (the same bits every run), or stochastically (fewer rounds). */
  public Cluster withExactRounding(boolean exact) {
    return withNumerics(sessions.numerics.withExactRounding(exact));
  }

  public ClusterConfig config() {
    return conn.config;
  }

  /** The fixed-point fractional bits reals are encoded with. */
  public int fracBits() {
    return conn.config.fracBitsOrDefault();
  }

  public List<String> parties() {
    return conn.config.partyNames();
  }

  public VirtualMachine vm(String name) {
    conn.address(name);
    return new VirtualMachine(name, this);
  }

  public Values values() {
    return values;
  }

  /** Owners' consents: approvals, policies, and the preview of what a computation discloses and costs. */
  public Consent consent() {
    return consent;
  }

  public Sessions sessions() {
    return sessions;
  }

  /** Private row alignment: the parties' rows matched by their ids, which no party shows another. */
  public Alignment alignment() {
    return new Alignment(conn, sessions::changed);
  }

  /** The parties' audit logs: each party's own client or administrator reads and checks them. */
  public Audit audit() {
    return new Audit(conn);
  }

  /** Stores a private integer value on its owner. */
  public ValueMeta input(String party, String name, long[] data) {
    return values.input(party, name, data);
  }

  /** Stores a private real value on its owner, encoded with the cluster's fractional bits. */
  public ValueMeta inputReal(String party, String name, java.math.BigDecimal[] data) {
    return values.inputReal(party, name, data);
  }

  /** Stores a private real value on {@code party} given encoded with the cluster's fractional bits (see {@link Values#inputFixedPoint}). */
  public ValueMeta inputFixedPoint(String party, String name, long[] encoded, int fracBits) {
    return values.inputFixedPoint(party, name, encoded, fracBits);
  }

  /** Stores a private real matrix on {@code party} given encoded (see {@link Values#inputFixedPointMatrix}). */
  public ValueMeta inputFixedPointMatrix(String party, String name, long[] encoded, int cols, int fracBits) {
    return values.inputFixedPointMatrix(party, name, encoded, cols, fracBits);
  }

  /** Stores a private integer matrix on {@code party}: {@code data} row by row, {@code cols} to a row. */
  public ValueMeta inputMatrix(String party, String name, long[] data, int cols) {
    return values.inputMatrix(party, name, data, cols);
  }

  /** Stores a private real matrix on {@code party}: {@code data} row by row, {@code cols} to a row. */
  public ValueMeta inputRealMatrix(String party, String name, java.math.BigDecimal[] data, int cols) {
    return values.inputRealMatrix(party, name, data, cols);
  }

  /** A private value of {@code party} (the owner's or a result revealed to it). */
  public long[] fetch(String party, String name) {
    return values.fetch(party, name);
  }

  /** What every party stores (metadata only). */
  public Catalog catalog() {
    return values.catalog();
  }

  /** What the given parties store (metadata only). */
  public Catalog catalog(List<String> parties) {
    return values.catalog(parties);
  }

  /** Deletes a name on every party holding it; returns those parties. */
  public List<String> delete(String name) {
    return values.delete(name);
  }

  /** Deletes every value stored on {@code party} (see {@link Values#reset}); returns the names. */
  public List<String> reset(String party) {
    return values.reset(party);
  }

  /** Compiles and runs outputs on {@code parties} (see {@link Sessions#evaluate}). */
  public Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties) {
    return sessions.evaluate(outputs, parties);
  }

  /** TinySMPC's share: splits a private value among its owner and {@code with} (see {@link Sessions#share}). */
  public List<String> share(String name, List<String> with, String as) {
    return sessions.share(name, with, as);
  }

  /** Status of the dealer (key "dealer") and every party, in the cluster's order; a process that does not answer has its error. */
  public Map<String, ProcessStatus> status() {
    Map<String, ProcessStatus> out = new LinkedHashMap<>();
    long ms = Math.min(conn.timeout.toMillis(), 3000);
    String dealer = conn.config.dealer().address();
    try {
      out.put("dealer", ProcessStatus.of(dealer, DealerGrpc.newBlockingStub(conn.channel(null)).withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance())));
    } catch (StatusRuntimeException e) {
      out.put("dealer", ProcessStatus.down("dealer", "dealer", dealer, SmpcException.from(e, "dealer (" + dealer + ")")));
    }
    for (String p : parties()) {
      try {
        out.put(p, ProcessStatus.of(conn.address(p), PartyGrpc.newBlockingStub(conn.channel(p)).withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
            .status(StatusRequest.getDefaultInstance())));
      } catch (StatusRuntimeException e) {
        out.put(p, ProcessStatus.down(p, "party", conn.address(p), SmpcException.from(e, conn.where(p))));
      }
    }
    return out;
  }

  /** True when the dealer and every party of {@code config} answer within a few seconds. */
  public static boolean isUp(ClusterConfig config) {
    return isUp(config, Duration.ofSeconds(3));
  }

  /** As {@link #isUp(ClusterConfig)}, each process given {@code wait} to answer. */
  public static boolean isUp(ClusterConfig config, Duration wait) {
    try (Cluster c = connect(config).withTimeout(wait)) {
      return allHealthy(c.status());
    }
  }

  /** True when every process answered. */
  public static boolean allHealthy(Map<String, ProcessStatus> status) {
    return status.values().stream().allMatch(ProcessStatus::up);
  }

  /** A fresh name for an SDK value that is deleted when this connection closes. */
  String temporary() {
    return values.temporary();
  }

  /** Deletes this connection's temporary values (intermediate inputs and results) and closes channels. */
  @Override
  public void close() {
    values.deleteTemporaries();
    conn.close();
  }
}
