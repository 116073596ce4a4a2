package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import smpc.proto.CorrectionsChunk;
import smpc.proto.DealerGrpc;
import smpc.proto.ReleaseRequest;

/**
 * What one party's requests may hold of the dealer (an adversarial review's findings): downloads nobody reads, and a
 * Release among many sessions. Real gRPC on loopback, as {@link DealerServiceTest}.
 */
class DealerLimitsTest {
  @RegisterExtension static final LoopbackDealer dealer = new LoopbackDealer();

  @BeforeAll
  static void helpers() {
    DealerServiceTest.stub = DealerGrpc.newBlockingStub(dealer.channel()); // its helpers, on this dealer
  }

  /** A corrections stream whose reader reads nothing: its call, and how it ended (null while open). */
  private record Unread(ClientCallStreamObserver<?> call, CompletableFuture<Status> ended) {}

  private static Unread unread(ByteString session, List<DealerServiceTest.Key> keys, long count) {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    List<ClientCallStreamObserver<?>> call = new ArrayList<>();
    DealerGrpc.newStub(dealer.channel()).corrections(DealerServiceTest.request(session, keys, "alice", 0, count).build(),
        new ClientResponseObserver<smpc.proto.CorrectionsRequest, CorrectionsChunk>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<smpc.proto.CorrectionsRequest> c) {
            c.disableAutoRequestWithInitial(0); // reads nothing: what the dealer made waits in its queue
            call.add(c);
          }

          @Override
          public void onNext(CorrectionsChunk c) {}

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    return new Unread(call.get(0), ended);
  }

  /**
   * A party's unread downloads are capped: beyond {@link DealerService#MAX_DOWNLOADS_PER_PARTY} it is refused (3,000 of
   * them once filled the dealer's memory and failed everyone's sessions), and a download that ends gives its place back.
   */
  @Test
  void aPartysUnreadDownloadsAreCappedAndTheirPlacesComeBack() throws Exception {
    List<DealerServiceTest.Key> keys = DealerServiceTest.keys();
    List<Unread> open = new ArrayList<>();
    try {
      long count = 1L << 22; // 32 MiB of triple corrections each: more than the connection's window and the queue
      for (int i = 0; i < DealerService.MAX_DOWNLOADS_PER_PARTY; i++) open.add(unread(DealerServiceTest.newSession(), keys, count));
      Unread over = unread(DealerServiceTest.newSession(), keys, count);
      Status refused = over.ended().get(30, TimeUnit.SECONDS);
      assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getDescription()).isEqualTo("party alice has 64 corrections downloads open at the dealer: try again later");
      for (Unread u : open) assertThat(u.ended()).as("still open").isNotDone();
      open.get(0).call().cancel("the reader gives up", null);
      // the dealer sees the cancellation a moment later: a new download is accepted then (and read whole)
      long[] got = null;
      for (int i = 0; i < 100 && got == null; i++) {
        try {
          got = DealerServiceTest.corrections(DealerServiceTest.request(DealerServiceTest.newSession(), keys, "alice", 0, 10));
        } catch (io.grpc.StatusRuntimeException e) {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          Thread.sleep(100);
        }
      }
      assertThat(got).as("a download once a place came back").hasSize(10);
    } finally {
      for (Unread u : open) u.call().cancel("test over", null);
    }
  }

  /** A Release finds its session among many by its id alone (it scanned all of them), and only the designated party's. */
  @Test
  void aReleaseFindsItsSessionByIdAmongMany() {
    List<DealerServiceTest.Key> keys = DealerServiceTest.keys();
    ByteString kept = DealerServiceTest.newSession();
    DealerServiceTest.corrections(DealerServiceTest.request(kept, keys, "alice", 0, 4).setKinds(2)); // one of two kinds: open
    for (int i = 0; i < 200; i++) {
      DealerServiceTest.corrections(DealerServiceTest.request(DealerServiceTest.newSession(), keys, "alice", 0, 4).setKinds(2));
    }
    int before = DealerServiceTest.stub.status(smpc.proto.StatusRequest.getDefaultInstance()).getActiveSessions();
    DealerServiceTest.stub.release(ReleaseRequest.newBuilder().setSessionId(kept).setParty("alice").build());
    assertThat(DealerServiceTest.stub.status(smpc.proto.StatusRequest.getDefaultInstance()).getActiveSessions()).isEqualTo(before - 1);
    // released: its other kind is refused
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DealerServiceTest.corrections(
        DealerServiceTest.request(kept, keys, "alice", 0, 4).setMaterial(1).setFracBits(16))).hasMessageContaining("already handed out");
  }
}
