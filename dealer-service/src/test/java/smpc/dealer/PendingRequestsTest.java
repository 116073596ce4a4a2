package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client's calls whose request has not arrived are capped (a client once held 4.8 GB of the dealer with calls
 * that sent all but the last byte of 32 MiB); a request that arrives gives its place back; other principals are not
 * affected, and parties not limited. Over loopback, with the principal a test's (the certificate's, at the dealer).
 */
class PendingRequestsTest {
  static volatile String who = "client-bob", role = "client";

  /**
   * A Health.Check call that has sent its headers and not its request. gRPC's client sends a unary call's headers with
   * its request; an attacker's client need not: so does this one, calling it a bidirectional stream (the server goes by
   * the method's name).
   */
  private record Started(ClientCall<HealthCheckRequest, HealthCheckResponse> call, CompletableFuture<Status> ended) {}

  private static Started start(ManagedChannel ch) {
    ClientCall<HealthCheckRequest, HealthCheckResponse> call = ch.newCall(HealthGrpc.getCheckMethod().toBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING).build(), io.grpc.CallOptions.DEFAULT);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        ended.complete(status);
      }
    }, new Metadata());
    call.request(1);
    return new Started(call, ended);
  }

  @Test
  void aPrincipalsUnfinishedRequestsAreCappedAndEachThatArrivesGivesItsPlaceBack() throws Exception {
    PendingRequests pending = new PendingRequests(() -> who, () -> role, 60_000); // no call stalls within this test
    // a plaintext server of the dealer's kind (health included), the principal supplied by the test
    Server server = smpc.net.Grpc.serve("127.0.0.1", 0, null, true, 4 << 20, pending);
    ManagedChannel ch = smpc.net.Grpc.channel("127.0.0.1:" + server.getPort());
    List<Started> calls = new ArrayList<>();
    try {
      for (int i = 0; i < PendingRequests.OTHER; i++) calls.add(start(ch));
      Waits.until(() -> pending.pending("client-bob") == PendingRequests.OTHER);
      Started over = start(ch);
      Status refused = over.ended().get(10, TimeUnit.SECONDS);
      assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getDescription()).isEqualTo("client-bob has 8 requests still arriving at the dealer: try again when they have");
      for (Started s : calls) assertThat(s.ended()).isNotDone();

      who = "admin-bob"; // another principal has places of its own; a party more (its sessions' requests come in bursts)
      calls.add(start(ch));
      Waits.until(() -> pending.pending("admin-bob") == 1);
      role = "party";
      who = "bob";
      for (int i = 0; i < PendingRequests.OTHER + 2; i++) calls.add(start(ch));
      Waits.until(() -> pending.pending("bob") == PendingRequests.OTHER + 2);

      // client-bob's first request arrives whole: answered, and client-bob may start another
      who = "client-bob";
      role = "client";
      Started first = calls.get(0);
      first.call().sendMessage(HealthCheckRequest.getDefaultInstance());
      first.call().halfClose();
      assertThat(first.ended().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
      Waits.until(() -> pending.pending("client-bob") == PendingRequests.OTHER - 1);
      Started again = start(ch);
      assertThat(again.ended()).as("a place came back").isNotDone();
      calls.add(again);
      // a call cancelled before its request came gives its place back too
      Waits.until(() -> pending.pending("client-bob") == PendingRequests.OTHER);
      calls.get(1).call().cancel("gone", null);
      Waits.until(() -> pending.pending("client-bob") == PendingRequests.OTHER - 1);
      calls.add(start(ch));
      Waits.until(() -> pending.pending("client-bob") == PendingRequests.OTHER);
      assertThat(calls.get(calls.size() - 1).ended()).isNotDone();
    } finally {
      for (Started s : calls) s.call().cancel("test over", null);
      smpc.net.Grpc.close(ch);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Requests not whole after the stall time: a principal keeps {@link PendingRequests#STALLED} of them (the first), the
   * rest are ended, and their places come back; a request that arrives in time is served (a party here, whose place
   * limit alone would have let all of them wait).
   */
  @Test
  void aPrincipalKeepsOnlyAFewRequestsThatDoNotArrive() throws Exception {
    PendingRequests pending = new PendingRequests(() -> "bob", () -> "party", 300);
    Server server = smpc.net.Grpc.serve("127.0.0.1", 0, null, true, 4 << 20, pending);
    ManagedChannel ch = smpc.net.Grpc.channel("127.0.0.1:" + server.getPort());
    List<Started> calls = new ArrayList<>();
    try {
      for (int i = 0; i < PendingRequests.STALLED + 3; i++) calls.add(start(ch));
      Waits.until(() -> calls.stream().filter(c -> c.ended().isDone()).count() == 3);
      int ended = 0;
      for (Started c : calls) {
        if (!c.ended().isDone()) continue;
        ended++;
        assertThat(c.ended().get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(c.ended().get().getDescription()).isEqualTo("bob has 4 requests at the dealer that did not arrive in time: this one is ended");
      }
      assertThat(ended).isEqualTo(3);
      assertThat(pending.pending("bob")).isEqualTo(PendingRequests.STALLED);
      // a stalled request that does arrive is served, and gives its place back
      Started late = calls.stream().filter(c -> !c.ended().isDone()).findFirst().orElseThrow();
      late.call().sendMessage(HealthCheckRequest.getDefaultInstance());
      late.call().halfClose();
      assertThat(late.ended().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
      Waits.until(() -> pending.pending("bob") == PendingRequests.STALLED - 1);
    } finally {
      for (Started s : calls) s.call().cancel("test over", null);
      smpc.net.Grpc.close(ch);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Polls a condition for up to 10 s (the server sees a call's headers a moment after the client sends them). */
  private static final class Waits {
    static void until(java.util.function.BooleanSupplier ok) throws InterruptedException {
      for (int i = 0; i < 1000 && !ok.getAsBoolean(); i++) Thread.sleep(10);
      assertThat(ok.getAsBoolean()).as("waited 10 s").isTrue();
    }
  }
}
