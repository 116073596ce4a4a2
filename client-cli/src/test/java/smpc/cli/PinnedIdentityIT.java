package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.dealer.DealerNode;
import smpc.net.Grpc;
import smpc.net.TestPki;
import smpc.net.Tls;
import smpc.net.Trust;
import smpc.party.PartyNode;
import smpc.proto.DealerGrpc;
import smpc.proto.ListRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.PeerGrpc;
import smpc.sdk.ClusterConfig;

/**
 * Pinned identities and one authority per organisation, over real gRPC with mutual TLS on loopback: a
 * whole cluster in this JVM (dealer and parties on their own ports) from `smpc certs init`'s certificates,
 * and impostor servers that present another principal's valid certificate.
 */
class PinnedIdentityIT {
  static final List<String> PARTIES = List.of("alice", "bob", "carol");
  @TempDir static Path dir;
  static Path certs;
  final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void pki() throws Exception {
    certs = dir.resolve("certs");
    Certificates.create(certs, PARTIES, List.of(), 1);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) running.get(i).close();
  }

  /** A server presenting {@code principal}'s certificate that counts the calls reaching it (it implements nothing). */
  record Impostor(Server server, AtomicInteger calls) implements AutoCloseable {
    String address() {
      return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() throws Exception {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  Impostor impostor(String principal) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ServerInterceptor count = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        calls.incrementAndGet();
        return next.startCall(call, headers);
      }
    };
    List<BindableService> services = List.of(() -> ServerInterceptors.intercept(new PartyGrpc.PartyImplBase() {}, count),
        () -> ServerInterceptors.intercept(new PeerGrpc.PeerImplBase() {}, count),
        () -> ServerInterceptors.intercept(new DealerGrpc.DealerImplBase() {}, count));
    Impostor i = new Impostor(Grpc.serve("127.0.0.1", 0, new Tls(certs, principal), services.toArray(BindableService[]::new)), calls);
    running.add(i);
    return i;
  }

  /**
   * The dealer and the parties at base, base+1, ... (ClusterConfig.local's addresses); {@code aliceSees}
   * overrides where alice's own configuration puts a peer or the dealer.
   */
  ClusterConfig cluster(Map<String, String> aliceSees) throws Exception {
    int base = TestCluster.freeBasePort(PARTIES.size() + 1);
    ClusterConfig config = ClusterConfig.local(PARTIES, base).withTls(new ClusterConfig.TlsConfig(certs.toString(), null));
    DealerNode dealer = DealerNode.start("127.0.0.1", base, new Tls(certs, Tls.DEALER_NAME));
    running.add(dealer::close);
    for (ClusterConfig.Node n : config.parties()) {
      Map<String, String> peers = new HashMap<>();
      for (ClusterConfig.Node p : config.parties()) if (!p.name().equals(n.name())) peers.put(p.name(), p.address());
      String dealerAt = config.dealer().address();
      if (n.name().equals("alice")) {
        for (var e : aliceSees.entrySet()) {
          if (e.getKey().equals(Tls.DEALER_NAME)) dealerAt = e.getValue();
          else peers.put(e.getKey(), e.getValue());
        }
      }
      int port = Integer.parseInt(n.address().substring(n.address().lastIndexOf(':') + 1));
      PartyNode party = PartyNode.start(n.name(), "127.0.0.1", port, peers, dealerAt, 16, 64 << 20, null, new Tls(certs, n.name()));
      running.add(party);
    }
    return config;
  }

  /** Runs the CLI in this JVM against {@code config}; returns its exit code and error output. */
  static TestCluster.Result cli(ClusterConfig config, String... args) throws Exception {
    Path file = Files.createTempFile(dir, "cluster", ".json");
    config.save(file);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--cluster", file.toString(), "--timeout", "20"));
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Smpc.commandLine(new io.grpc.ClientInterceptor[0]).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
    return new TestCluster.Result(code, out.toString(), err.toString());
  }

  static ClusterConfig moved(ClusterConfig c, String name, String address) {
    List<ClusterConfig.Node> parties = c.parties().stream().map(n -> n.name().equals(name) ? new ClusterConfig.Node(name, address, null) : n).toList();
    ClusterConfig.Node dealer = name.equals(Tls.DEALER_NAME) ? new ClusterConfig.Node(name, address, null) : c.dealer();
    return new ClusterConfig(dealer, parties, c.fracBits(), c.dataDir(), c.tls());
  }

  @Test
  void theCliAndTheSdkRefuseAnImpostorAtAPartysAddress() throws Exception {
    ClusterConfig config = cluster(Map.of());
    Impostor bobAsAlice = impostor("bob");
    ClusterConfig fooled = moved(config, "alice", bobAsAlice.address());
    TestCluster.Result r = cli(fooled, "input", "--party", "alice", "--name", "x", "5");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("refused the server's certificate: expected party 'alice' but the server presented party 'bob'")
        .doesNotContain("Netty", "SslHandler", "SSLHandshake");
    try (smpc.sdk.Cluster sdk = smpc.sdk.Cluster.connect(fooled)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> sdk.input("alice", "x", new long[] {5}))
          .isInstanceOf(smpc.sdk.SmpcException.Unavailable.class)
          .hasMessageContaining("expected party 'alice' but the server presented party 'bob'");
    }
    assertThat(bobAsAlice.calls()).hasValue(0);
    assertThat(cli(config, "input", "--party", "alice", "--name", "x", "5").code()).isZero();
  }

  @Test
  void theCliRefusesAnImpostorDealerAndAClientCertificateThatTriesToServe() throws Exception {
    ClusterConfig config = cluster(Map.of());
    Impostor carolAsDealer = impostor("carol");
    TestCluster.Result r = cli(moved(config, Tls.DEALER_NAME, carolAsDealer.address()), "status");
    assertThat(r.out() + r.err()).contains("expected dealer 'dealer' but the server presented party 'carol'");
    assertThat(carolAsDealer.calls()).hasValue(0);
    Impostor clientAsAlice = impostor("client-alice");
    r = cli(moved(config, "alice", clientAsAlice.address()), "input", "--party", "alice", "--name", "x", "5");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("client 'client-alice' is not a server");
    assertThat(clientAsAlice.calls()).hasValue(0);
  }

  @Test
  void aPartyRefusesAnImpostorPeer() throws Exception {
    Impostor carolAsBob = impostor("carol");
    ClusterConfig config = cluster(Map.of("bob", carolAsBob.address()));
    assertThat(cli(config, "input", "--party", "alice", "--name", "x", "5").code()).isZero();
    TestCluster.Result r = cli(config, "eval", "x * x", "--reveal-to", "bob");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("expected party 'bob' but the server presented party 'carol'");
    assertThat(carolAsBob.calls()).hasValue(0);
  }

  @Test
  void aPartyRefusesAnImpostorDealer() throws Exception {
    Impostor bobAsDealer = impostor("bob");
    ClusterConfig config = cluster(Map.of(Tls.DEALER_NAME, bobAsDealer.address()));
    assertThat(cli(config, "input", "--party", "alice", "--name", "x", "5").code()).isZero();
    TestCluster.Result r = cli(config, "eval", "x * x", "--reveal-to", "bob");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("expected dealer 'dealer' but the server presented party 'bob'");
    assertThat(bobAsDealer.calls()).hasValue(0);
  }

  /** Bob's CA (which bob's operator holds) cannot make alice, nor alice's client, for anybody. */
  @Test
  void aCertificateForAliceSignedByBobsAuthorityIsRefusedByThePartiesAndTheDealer() throws Exception {
    ClusterConfig config = cluster(Map.of());
    Path forged = Files.createDirectories(dir.resolve("forged"));
    Files.createSymbolicLink(forged.resolve(Trust.DIR), certs.resolve(Trust.DIR));
    TestPki.Ca bob = TestPki.Ca.load(certs, "bob");
    TestPki.issue(forged, bob, "alice", Tls.PARTY, true);
    TestPki.issue(forged, bob, "client-alice", Tls.CLIENT, false);
    for (String who : List.of("alice", "client-alice")) {
      for (ClusterConfig.Node target : List.of(config.parties().get(0), config.parties().get(1), config.dealer())) {
        ManagedChannel ch = Grpc.channel(target.address(), new Tls(forged, who).pinned(target.name()));
        try {
          StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class, () ->
              io.grpc.health.v1.HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()));
          assertThat(e).as("%s calling %s", who, target.name()).isNotNull();
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("is not valid from alice's authority");
        } finally {
          Grpc.close(ch);
        }
      }
    }
  }

  @Test
  void aRevokedCertificateIsRefusedWithoutARestart() throws Exception {
    ClusterConfig config = cluster(Map.of());
    Path spare = Files.createDirectories(dir.resolve("spare"));
    Files.createSymbolicLink(spare.resolve(Trust.DIR), certs.resolve(Trust.DIR));
    var cert = TestPki.issue(spare, TestPki.Ca.load(certs, "alice"), "client-alice", Tls.CLIENT, false);
    ManagedChannel ch = Grpc.channel(config.parties().get(0).address(), new Tls(spare, "client-alice").pinned("alice"));
    try {
      PartyGrpc.PartyBlockingStub alice = PartyGrpc.newBlockingStub(ch);
      alice.withDeadlineAfter(10, TimeUnit.SECONDS).listValues(ListRequest.getDefaultInstance());
      TestCluster.Result r = cli(config, "certs", "revoke", "--dir", certs.toString(), "--cert", spare.resolve("client-alice.pem").toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Files.readString(certs.resolve(Trust.DIR).resolve("alice" + Trust.REVOKED))).contains(cert.getSerialNumber().toString(16));
      Status last = Status.OK;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Waits.SECONDS);
      while (last.getCode() != Status.Code.UNAUTHENTICATED && System.nanoTime() < until) {
        try {
          alice.withDeadlineAfter(10, TimeUnit.SECONDS).listValues(ListRequest.getDefaultInstance());
          Thread.sleep(100);
        } catch (StatusRuntimeException e) {
          last = e.getStatus();
        }
      }
      assertThat(last.getCode()).as("alice refusing the revoked certificate within %d s", Waits.SECONDS).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(last.getDescription()).contains("certificate of client 'client-alice' (serial " + cert.getSerialNumber().toString(16) + ") is revoked by alice");
      // the organisation's other certificates are unaffected
      assertThat(cli(config, "input", "--party", "alice", "--name", "y", "1").code()).isZero();
    } finally {
      Grpc.close(ch);
    }
  }
}
