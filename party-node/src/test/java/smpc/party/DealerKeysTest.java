package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.SessionSeeds;
import smpc.proto.DealerGrpc;
import smpc.proto.SeedKeyReply;
import smpc.proto.SeedKeyRequest;

/**
 * A party's dealer keys against a dealer that answers only when the test lets it: nothing that an Abort calls waits
 * for the first key's fetch. Before, the fetch held the keys' lock while it waited for the dealer, and an Abort's
 * refresh (run then on a network thread, perhaps the very one that carried the dealer's reply) waited for that lock.
 */
class DealerKeysTest {
  /** A dealer whose SeedKey calls wait until {@link #answer} is counted down; each answer is a new key. */
  private static final class HeldDealer extends DealerGrpc.DealerImplBase {
    final CountDownLatch asked = new CountDownLatch(1), answer = new CountDownLatch(1);
    final AtomicInteger keys = new AtomicInteger();

    @Override
    public void seedKey(SeedKeyRequest req, StreamObserver<SeedKeyReply> resp) {
      asked.countDown();
      try {
        answer.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] id = new byte[SessionSeeds.KEY_ID_BYTES];
      id[0] = (byte) keys.incrementAndGet();
      resp.onNext(SeedKeyReply.newBuilder().setKeyId(ByteString.copyFrom(id)).setKey(ByteString.copyFrom(new byte[SessionSeeds.KEY_BYTES])).build());
      resp.onCompleted();
    }
  }

  private static ByteString id(int n) {
    byte[] id = new byte[SessionSeeds.KEY_ID_BYTES];
    id[0] = (byte) n;
    return ByteString.copyFrom(id);
  }

  @Test
  void aRefreshNeverWaitsForTheFirstKeysFetch() throws Exception {
    String name = "held-dealer-" + System.nanoTime();
    HeldDealer dealer = new HeldDealer();
    Server server = InProcessServerBuilder.forName(name).addService(dealer).build().start();
    Peers peers = new Peers("alice", Map.of("bob", "unused"), name, a -> InProcessChannelBuilder.forName(a).build());
    try {
      DealerKeys keys = new DealerKeys(peers);
      Session s = new Session(ByteString.copyFromUtf8("session-1"), List.of("alice", "bob"), 0, System.currentTimeMillis() + 60_000);
      CompletableFuture<DealerKeys.Key> first = CompletableFuture.supplyAsync(() -> keys.current(s));
      assertThat(dealer.asked.await(20, TimeUnit.SECONDS)).as("the session asked the dealer for its first key").isTrue();

      // while that fetch waits for the dealer: an Abort's refresh and a refresh at start return without waiting for it
      CompletableFuture<Void> refreshed = CompletableFuture.runAsync(() -> {
        keys.refreshAfter(ByteString.copyFromUtf8("a key of an aborted session"));
        keys.refresh(DealerKeys.FETCH_MS);
      });
      refreshed.get(3, TimeUnit.SECONDS); // the old code waited here until the held fetch's deadline (10 s)
      assertThat(first).as("the first fetch still waits for the dealer").isNotDone();

      dealer.answer.countDown();
      DealerKeys.Key k = first.get(20, TimeUnit.SECONDS);
      assertThat(k.id().size()).isEqualTo(SessionSeeds.KEY_ID_BYTES);
      for (long end = System.nanoTime() + 10_000_000_000L; dealer.keys.get() < 2 && System.nanoTime() < end; ) Thread.sleep(10);
      assertThat(dealer.keys.get()).as("the first fetch and the refresh each got a key").isEqualTo(2);
      assertThat(keys.current(s).id()).as("a later session names one of the two keys the dealer handed out").isIn(id(1), id(2));
    } finally {
      dealer.answer.countDown();
      peers.close();
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
