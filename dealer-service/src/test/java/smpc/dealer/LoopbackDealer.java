package smpc.dealer;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import smpc.net.Grpc;

/**
 * A dealer on a free loopback port and a plaintext channel to it, one per test class:
 * {@code @RegisterExtension static final LoopbackDealer dealer = new LoopbackDealer();} starts it before the class's
 * tests (and its own {@code @BeforeAll}) and stops it after them.
 */
final class LoopbackDealer implements BeforeAllCallback, AfterAllCallback {
  private DealerNode node;
  private ManagedChannel channel;

  @Override
  public void beforeAll(ExtensionContext context) throws java.io.IOException {
    node = DealerNode.start("127.0.0.1", 0);
    channel = Grpc.channel("127.0.0.1:" + node.port());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Grpc.close(channel);
    node.close();
  }

  ManagedChannel channel() {
    return channel;
  }
}
