package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.net.Grpc;
import smpc.net.Tls;
import smpc.proto.DealerGrpc;
import smpc.proto.Envelope;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.PeerGrpc;
import smpc.proto.SeedKeyRequest;
import smpc.sdk.ClusterConfig;

/** Mutual TLS everywhere (`cluster up --tls`), and every authorisation rule tried with a wrong certificate. */
class TlsIT {
  static TestCluster cluster;
  static Path certs;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(true, "alice", "bob", "carol");
    certs = cluster.dir.resolve("certs");
    cluster.ok("input", "--party", "alice", "--name", "a", "25");
    cluster.ok("input", "--party", "bob", "--name", "b", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  /** The CLI presenting another principal's certificate. */
  static TestCluster.Result as(String principal, String... args) throws Exception {
    ClusterConfig c = cluster.config();
    Path file = cluster.dir.resolve(principal + ".json");
    c.withTls(new ClusterConfig.TlsConfig(certs.toString(), principal)).save(file);
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--cluster", file.toString()))
        .toArray(String[]::new);
    return cluster.cli(all);
  }

  static String address(String name) {
    ClusterConfig c = cluster.config();
    return name.equals("dealer") ? c.dealer().address()
        : c.parties().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow().address();
  }

  @Test
  void theSeedExampleRunsOverMutualTls() throws Exception {
    assertThat(cluster.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice")).isEqualTo("875\n");
    assertThat(Files.readString(cluster.dir.resolve("logs").resolve("alice.log"))).contains("(mutual TLS)").doesNotContain("WITHOUT TLS");
  }

  @Test
  void aClientActsOnlyForItsOwnParty() throws Exception {
    TestCluster.Result r = as("client-bob", "input", "--party", "alice", "--name", "z", "1");
    assertThat(r.err()).contains("client 'client-bob' may not store values on alice (only client-alice may)");
    assertThat(as("client-bob", "eval", "b * 2", "--reveal-to", "alice").err())
        .contains("client 'client-bob' may not receive results revealed to alice");
    // alice tells only her own client which names she holds (a raw Execute bringing 'a' in is refused: AuthorizationIT)
    assertThat(as("client-bob", "eval", "a + b", "--reveal-to", "bob").err())
        .contains("unknown value name 'a' (alice, carol list their values only to their own client)");
    assertThat(as("client-bob", "rm", "a").err()).contains("client 'client-bob' may not delete values on alice such as 'a'");
    // its own party's data and results are its own
    assertThat(as("client-bob", "eval", "b * 2", "--reveal-to", "bob").out()).isEqualTo("100\n");
    assertThat(as("client-alice", "eval", "a + 1", "--reveal-to", "alice").out()).isEqualTo("26\n");
    assertThat(cluster.ok("list")).contains("a ").doesNotContain(" z ");
    // a client asks only its own party for the names: the others' audit logs hold bob's refused calls, not a refused
    // listing for each of his commands
    assertThat(as("client-alice", "audit", "--party", "alice").out())
        .contains("client 'client-bob' may not store values on alice").doesNotContain("ListValues");
  }

  @Test
  void privateValuesAreReadOnlyByTheirOwnersClient() throws Exception {
    try (var ch = new Closing(Grpc.channel(address("alice"), new Tls(certs, "client-bob")))) {
      assertDenied(() -> PartyGrpc.newBlockingStub(ch.c).getValue(NameRequest.newBuilder().setName("a").build()).next(),
          "client 'client-bob' may not read alice's private value 'a'");
    }
    try (var ch = new Closing(Grpc.channel(address("alice"), new Tls(certs, "client-alice")))) {
      assertThat(PartyGrpc.newBlockingStub(ch.c).getValue(NameRequest.newBuilder().setName("a").build()).next().getInfo().getName())
          .isEqualTo("a");
    }
  }

  @Test
  void partiesRunNoSessionsAndOnlyPeersDeliverAsThemselves() throws Exception {
    assertThat(as("carol", "eval", "a * 2", "--reveal-to", "alice").err()).contains("party 'carol' may not list the values of alice");
    for (String[] who : new String[][] {{"admin-alice", "bob"}, {"carol", "bob"}}) {
      try (var ch = new Closing(Grpc.channel(address("alice"), new Tls(certs, who[0])))) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        StreamObserver<Envelope> up = PeerGrpc.newStub(ch.c).deliver(ending(done, false));
        up.onNext(Envelope.newBuilder().setSessionId(ByteString.copyFrom(new byte[16])).setFrom(who[1]).setTag("m/1").setTotalBytes(8)
            .setData(ByteString.copyFrom(new byte[8])).build());
        up.onCompleted();
        Throwable t = Waits.get(done, "alice to end the peer call");
        assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Status.fromThrowable(t).getDescription()).contains("may not deliver messages as 'bob'");
      }
    }
  }

  /**
   * Completes {@code done} with how the server ended the call (its error, or null); with {@code noReply},
   * any reply fails it instead.
   */
  private static <T> StreamObserver<T> ending(CompletableFuture<Throwable> done, boolean noReply) {
    return new StreamObserver<>() {
      public void onNext(T v) {
        if (noReply) done.completeExceptionally(new AssertionError("a refusal instead of a closed stream: " + v));
      }

      public void onError(Throwable t) {
        done.complete(t);
      }

      public void onCompleted() {
        done.complete(null);
      }
    };
  }

  /** The same rule on the long-lived peer stream: a message sent as another party closes the stream, refused. */
  @Test
  void onThePeerStreamOnlyPeersDeliverAsThemselves() throws Exception {
    for (String[] who : new String[][] {{"admin-alice", "bob"}, {"carol", "bob"}, {"client-bob", "bob"}}) {
      try (var ch = new Closing(Grpc.channel(address("alice"), new Tls(certs, who[0])))) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        StreamObserver<Envelope> up = PeerGrpc.newStub(ch.c).stream(ending(done, true));
        up.onNext(Envelope.newBuilder().setSessionId(ByteString.copyFrom(new byte[16])).setFrom(who[1]).setTag("m/1").setTotalBytes(8)
            .setData(ByteString.copyFrom(new byte[8])).build());
        Throwable t = Waits.get(done, "alice to end the peer call");
        assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Status.fromThrowable(t).getDescription()).contains("may not deliver messages as 'bob'");
      }
    }
    // each refused sender is in alice's audit log (a flood would be one counted record a minute per sender)
    assertThat(cluster.ok("audit", "--party", "alice").lines().filter(l -> l.contains("Peer.Stream") && l.contains("client-bob")))
        .as("alice's audit log").hasSize(1).first().asString().contains("refused").contains("may not deliver messages as 'bob'");
  }

  @Test
  void theDealerGivesAPartyOnlyItsOwnMaterial() throws Exception {
    SeedKeyRequest req = SeedKeyRequest.newBuilder().setParty("alice").build();
    var corrections = smpc.proto.CorrectionsRequest.newBuilder().setSessionId(ByteString.copyFrom(new byte[16])).setParty("alice").setCount(1)
        .addAllParties(List.of("alice", "bob", "carol")).setDeadlineUnixMs(System.currentTimeMillis() + 10_000).build();
    for (String thief : List.of("carol", "admin-alice", "client-alice")) {
      try (var ch = new Closing(Grpc.channel(address("dealer"), new Tls(certs, thief)))) {
        assertDenied(() -> DealerGrpc.newBlockingStub(ch.c).seedKey(req), "may not receive the dealer material of party 'alice'");
        assertDenied(() -> DealerGrpc.newBlockingStub(ch.c).corrections(corrections).next(), "may not receive the dealer material of party 'alice'");
        // nor send the dealer alignment tags in alice's name
        var tags = smpc.proto.IntersectRequest.newBuilder().setSessionId(ByteString.copyFrom(new byte[16])).setParty("alice")
            .addAllParties(List.of("alice", "bob")).setDeadlineUnixMs(System.currentTimeMillis() + 10_000).build();
        assertDenied(() -> DealerGrpc.newBlockingStub(ch.c).intersect(tags), "may not send the alignment requests of party 'alice'");
      }
    }
  }

  @Test
  void strangersAndPlaintextAreTurnedAway() throws Exception {
    Path other = cluster.dir.resolve("other-ca");
    Certificates.create(other, List.of("alice", "bob", "carol"), List.of(), 1);
    try (var ch = new Closing(Grpc.channel(address("alice"), new Tls(other, "admin-alice")))) {
      assertThatThrownBy(() -> PartyGrpc.newBlockingStub(ch.c).withDeadlineAfter(Waits.SECONDS, TimeUnit.SECONDS)
          .listValues(smpc.proto.ListRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
    try (var ch = new Closing(Grpc.channel(address("alice")))) {
      assertThatThrownBy(() -> PartyGrpc.newBlockingStub(ch.c).withDeadlineAfter(Waits.SECONDS, TimeUnit.SECONDS)
          .listValues(smpc.proto.ListRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class);
    }
    assertThat(cluster.ok("status")).doesNotContain("DOWN");
    // the CLI with another cluster's certificates: told that the handshakes failed, not to start a cluster
    Path file = cluster.dir.resolve("other-ca.json");
    cluster.config().withTls(new ClusterConfig.TlsConfig(other.toString(), null)).save(file);
    TestCluster.Result r = cluster.cli("status", "--cluster", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("refused the server's certificate");
    assertThat(r.err()).contains("no process accepted a TLS handshake: the certificates in " + other + " are not this cluster's")
        .doesNotContain("cluster up");
  }

  static void assertDenied(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOf(StatusRuntimeException.class).satisfies(e -> {
      Status s = ((StatusRuntimeException) e).getStatus();
      assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(s.getDescription()).contains(message);
    });
  }

  record Closing(ManagedChannel c) implements AutoCloseable {
    @Override
    public void close() {
      Grpc.close(c);
    }
  }
}
