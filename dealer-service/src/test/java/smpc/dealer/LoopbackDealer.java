package smpc.dealer;

import io.grpc.ManagedChannel;
import smpc.net.Grpc;

/** A dealer on a free loopback port and a plaintext channel to it, as the dealer's tests use one per class. */
record LoopbackDealer(DealerNode node, ManagedChannel channel) implements AutoCloseable {
  static LoopbackDealer start() throws java.io.IOException {
    DealerNode node = DealerNode.start("127.0.0.1", 0);
    return new LoopbackDealer(node, Grpc.channel("127.0.0.1:" + node.port()));
  }

  @Override
  public void close() {
    Grpc.close(channel);
    node.close();
  }
}
