package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.Limits;

/** A session's messages to a peer, over real gRPC (in process). */
class GrpcTransportTest {
  /** Bob's open-value endpoint in process, with its mailbox and threads. */
  private record Bob(String name, Mailbox mailbox, Server server, ExecutorService threads) implements AutoCloseable {
    static Bob start() throws java.io.IOException {
      String name = "transport-" + System.nanoTime();
      Mailbox box = new Mailbox(1L << 30);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      Server server = InProcessServerBuilder.forName(name).executor(threads)
          .addService(new PeerService(box, new Peers("bob", Map.of("alice", "unused"), "dealer", a -> null), new AuditLog("bob", null)))
          .build().start();
      return new Bob(name, box, server, threads);
    }

    @Override
    public void close() throws InterruptedException {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      threads.shutdownNow();
    }
  }

  /**
   * A message too large for the shared stream goes by a Deliver call of its own. The plan agreement does not wait for
   * its messages, so its sender's Execute call may complete (and gRPC cancel that call's context) while one is still on
   * its way: the message must arrive all the same, or the peer waits for it until the session's deadline.
   */
  @Test
  void aMessageSentByDeliverArrivesAfterTheSendersCallEnded() throws Exception {
    try (Bob bob = Bob.start()) {
      Mailbox bobs = bob.mailbox();
      Peers alice = new Peers("alice", Map.of("bob", bob.name()), "dealer", a -> InProcessChannelBuilder.forName(a).build());
      try {
        ByteString id = ByteString.copyFrom(new byte[16]);
        long deadline = System.currentTimeMillis() + 30_000;
        GrpcTransport net = new GrpcTransport(new Session(id, List.of("alice", "bob"), 0, deadline), alice, new Mailbox(1L << 20));
        byte[] message = new byte[3 * Limits.CHUNK_BYTES + 5]; // several chunks: still on its way when the call ends
        message[message.length - 1] = 7;
        Context.CancellableContext execute = Context.current().withCancellation();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] sent = new CompletableFuture[1];
        execute.run(() -> sent[0] = net.send(1, "a", message));
        execute.cancel(null); // the Execute call that sent it has completed
        sent[0].get(20, TimeUnit.SECONDS);
        ByteString got = bobs.take(new Session(id, List.of("alice", "bob"), 1, deadline), "alice", "a");
        assertThat(got.size()).isEqualTo(message.length);
        assertThat(got.byteAt(message.length - 1)).isEqualTo((byte) 7);
      } finally {
        alice.close();
      }
    }
  }

  /**
   * A peer whose session failed may still be sending a large message when this party's session ends: the session's
   * end gives its bytes back and ends the call at once (it held them, counted as buffered, until the sender's
   * deadline, and FaultIT saw 16 MiB buffered on a survivor).
   */
  @Test
  void aMessageHalfHereWhenItsSessionEndsIsDroppedWithItsCall() throws Exception {
    try (Bob bob = Bob.start()) {
      Mailbox bobs = bob.mailbox();
      io.grpc.ManagedChannel ch = InProcessChannelBuilder.forName(bob.name()).build();
      try {
        ByteString id = ByteString.copyFrom(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        io.grpc.stub.StreamObserver<smpc.proto.Envelope> call = smpc.proto.PeerGrpc.newStub(ch).deliver(new io.grpc.stub.StreamObserver<>() {
          @Override public void onNext(smpc.proto.DeliverAck ack) {}
          @Override public void onError(Throwable t) { ended.complete(t); }
          @Override public void onCompleted() { ended.complete(null); }
        });
        int total = 3 * Limits.CHUNK_BYTES;
        call.onNext(smpc.proto.Envelope.newBuilder().setSessionId(id).setFrom("alice").setTag("big").setTotalBytes(total)
            .setData(ByteString.copyFrom(new byte[Limits.CHUNK_BYTES])).build());
        long until = System.currentTimeMillis() + 20_000;
        while (bobs.bufferedBytes() != total + Mailbox.OVERHEAD && System.currentTimeMillis() < until) Thread.sleep(10);
        assertThat(bobs.bufferedBytes()).as("the whole message reserved at its first chunk").isEqualTo(total + Mailbox.OVERHEAD);
        bobs.end(id);
        assertThat(bobs.bufferedBytes()).isZero();
        assertThat(ended.get(20, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("FAILED_PRECONDITION").hasMessageContaining("is over");
        assertThat(bobs.slotCount()).isZero();
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
