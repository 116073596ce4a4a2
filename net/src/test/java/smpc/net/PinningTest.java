package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.proto.ListRequest;
import smpc.proto.PartyGrpc;

/** Pinning and the organisations' authority over real gRPC on loopback (Netty, mutual TLS). */
class PinningTest {
  @TempDir static Path dir;
  static TestPki.Ca alice, bob;

  @BeforeAll
  static void pki() throws Exception {
    alice = TestPki.ca("alice").trustedIn(dir);
    bob = TestPki.ca("bob").trustedIn(dir);
    TestPki.ca("dealer").trustedIn(dir);
    TestPki.issue(dir, alice, "alice", Tls.PARTY, true);
    TestPki.issue(dir, bob, "bob", Tls.PARTY, true);
    TestPki.issue(dir, alice, "client-alice", Tls.CLIENT, false);
  }

  /** A server presenting {@code principal}'s certificate from {@code tlsDir} that counts the calls reaching it. */
  record Counting(Server server, AtomicInteger calls) implements AutoCloseable {
    static Counting serve(Path tlsDir, String principal) throws Exception {
      AtomicInteger calls = new AtomicInteger();
      ServerInterceptor count = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
          calls.incrementAndGet();
          return next.startCall(call, headers);
        }
      };
      BindableService party = () -> ServerInterceptors.intercept(new PartyGrpc.PartyImplBase() {}, count);
      return new Counting(Grpc.serve("127.0.0.1", 0, new Tls(tlsDir, principal), party), calls);
    }

    String address() {
      return "127.0.0.1:" + server.getPort();
    }

    @Override
    public void close() throws Exception {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static StatusRuntimeException list(String address, Tls tls) {
    ManagedChannel ch = Grpc.channel(address, tls);
    try {
      PartyGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).listValues(ListRequest.getDefaultInstance());
      throw new AssertionError("the call went through");
    } catch (StatusRuntimeException e) {
      return e;
    } finally {
      Grpc.close(ch);
    }
  }

  @Test
  void aPinnedChannelRefusesAnotherPrincipalBeforeSendingAnything() throws Exception {
    try (Counting impostor = Counting.serve(dir, "bob")) {
      StatusRuntimeException e = list(impostor.address(), new Tls(dir, "client-alice").pinned("alice"));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(Statuses.describe(e)).isEqualTo("refused the server's certificate: expected party 'alice' but the server presented party 'bob'");
      assertThat(Statuses.status(e).getStatus().getDescription()).isEqualTo(Statuses.describe(e));
      assertThat(impostor.calls()).hasValue(0);
      // the party it meant gets the call (which this test server does not implement)
      assertThat(list(impostor.address(), new Tls(dir, "client-alice").pinned("bob")).getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(impostor.calls()).hasValue(1);
    }
  }

  @Test
  void aClientOnlyCertificateCannotServe() throws Exception {
    try (Counting impostor = Counting.serve(dir, "client-alice")) {
      StatusRuntimeException e = list(impostor.address(), new Tls(dir, "bob").pinned("alice"));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(Statuses.describe(e)).contains("client 'client-alice' is not a server");
      // nor can it serve unpinned (a health check, say)
      assertThat(Statuses.describe(list(impostor.address(), new Tls(dir, "bob")))).contains("is not a server");
      assertThat(impostor.calls()).hasValue(0);
    }
    Path callerOnly = Files.createDirectories(dir.resolve("caller-only"));
    TestPki.issue(callerOnly, alice, "alice", Tls.PARTY, false);
    Files.createSymbolicLink(callerOnly.resolve(Trust.DIR), dir.resolve(Trust.DIR));
    try (Counting impostor = Counting.serve(callerOnly, "alice")) {
      StatusRuntimeException e = list(impostor.address(), new Tls(dir, "bob").pinned("alice"));
      assertThat(Statuses.describe(e)).contains("certificate of party 'alice' is not valid from alice's authority");
      assertThat(impostor.calls()).hasValue(0);
    }
  }

  @Test
  void aServerAcceptsACallerOnlyFromItsOwnOrganisationsAuthority() throws Exception {
    Path forged = Files.createDirectories(dir.resolve("forged"));
    TestPki.issue(forged, bob, "client-alice", Tls.CLIENT, false);
    Files.createSymbolicLink(forged.resolve(Trust.DIR), dir.resolve(Trust.DIR));
    try (Counting bobServer = Counting.serve(dir, "bob")) {
      StatusRuntimeException e = list(bobServer.address(), new Tls(forged, "client-alice").pinned("bob"));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getStatus().getDescription()).startsWith("refused the client's certificate: certificate of client 'client-alice' is not valid from alice's authority");
      assertThat(bobServer.calls()).hasValue(0);
    }
  }

  /** A certificate file under another principal's name: the process refuses to present it, naming both. */
  @Test
  void aCertificateFileUnderAnotherPrincipalsNameIsRefused() throws Exception {
    Path own = Files.createDirectories(dir.resolve("renamed"));
    Files.createDirectories(own.resolve(Trust.DIR));
    for (String org : new String[] {"alice", "bob", "dealer"}) Files.copy(dir.resolve(Trust.DIR).resolve(org + ".pem"), own.resolve(Trust.DIR).resolve(org + ".pem"));
    TestPki.issue(own, bob, "client-bob", Tls.CLIENT, false);
    Files.copy(own.resolve("client-bob.pem"), own.resolve("client-alice.pem"));
    Files.copy(own.resolve("client-bob.key"), own.resolve("client-alice.key"));
    assertThatThrownBy(() -> new Tls(own, "client-alice").client())
        .hasMessageContaining("client-alice.pem names client-bob, not client-alice: each principal's certificate file carries its own name");
    assertThat(new Tls(own, "client-bob").client()).isNotNull(); // the same certificate under its own name
  }

  @Test
  void aRevokedCallerIsRefusedWithoutARestartEvenOnAnOpenConnection() throws Exception {
    Path own = Files.createDirectories(dir.resolve("revoking"));
    Files.createDirectories(own.resolve(Trust.DIR));
    for (String org : new String[] {"alice", "bob", "dealer"}) Files.copy(dir.resolve(Trust.DIR).resolve(org + ".pem"), own.resolve(Trust.DIR).resolve(org + ".pem"));
    X509Certificate client = TestPki.issue(own, alice, "client-alice", Tls.CLIENT, false);
    TestPki.issue(own, bob, "bob", Tls.PARTY, true);
    try (Counting bobServer = Counting.serve(own, "bob")) {
      ManagedChannel ch = Grpc.channel(bobServer.address(), new Tls(own, "client-alice").pinned("bob"));
      try {
        PartyGrpc.PartyBlockingStub stub = PartyGrpc.newBlockingStub(ch);
        assertThatThrownBy(() -> stub.listValues(ListRequest.getDefaultInstance()))
            .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        Files.writeString(own.resolve(Trust.DIR).resolve("alice" + Trust.REVOKED), client.getSerialNumber().toString(16) + "\n");
        Status last = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
          try {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).listValues(ListRequest.getDefaultInstance());
          } catch (StatusRuntimeException e) {
            last = e.getStatus();
            if (last.getCode() == Status.Code.UNAUTHENTICATED) break;
          }
          Thread.sleep(100);
        }
        assertThat(last).isNotNull();
        assertThat(last.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(last.getDescription()).contains("certificate of client 'client-alice' (serial " + client.getSerialNumber().toString(16) + ") is revoked by alice");
      } finally {
        Grpc.close(ch);
      }
    }
  }

  /** A caller's certificate that expires while its connection is open: its next call on that connection is refused. */
  @Test
  void aCallerWhoseCertificateExpiredIsRefusedOnAnOpenConnection() throws Exception {
    Path own = Files.createDirectories(dir.resolve("expiring"));
    Files.createDirectories(own.resolve(Trust.DIR));
    for (String org : new String[] {"alice", "bob", "dealer"}) Files.copy(dir.resolve(Trust.DIR).resolve(org + ".pem"), own.resolve(Trust.DIR).resolve(org + ".pem"));
    java.time.Instant expires = java.time.Instant.now().plusSeconds(6);
    TestPki.issue(own, alice, "client-alice", Tls.CLIENT, false, expires);
    TestPki.issue(own, bob, "bob", Tls.PARTY, true);
    try (Counting bobServer = Counting.serve(own, "bob")) {
      ManagedChannel ch = Grpc.channel(bobServer.address(), new Tls(own, "client-alice").pinned("bob"));
      try {
        PartyGrpc.PartyBlockingStub stub = PartyGrpc.newBlockingStub(ch);
        assertThatThrownBy(() -> stub.listValues(ListRequest.getDefaultInstance())) // connected while valid
            .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        while (java.time.Instant.now().isBefore(expires.plusSeconds(1))) Thread.sleep(100);
        assertThatThrownBy(() -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).listValues(ListRequest.getDefaultInstance()))
            .satisfies(e -> {
              Status st = Status.fromThrowable(e);
              assertThat(st.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(st.getDescription()).startsWith("refused the client's certificate: certificate of client 'client-alice' expired at ");
            });
        assertThat(bobServer.calls()).hasValue(1);
      } finally {
        Grpc.close(ch);
      }
    }
  }
}
