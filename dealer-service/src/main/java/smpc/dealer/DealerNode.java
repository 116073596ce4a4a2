package smpc.dealer;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import smpc.net.Grpc;

/** A running dealer: its gRPC server and the expiry of old sessions. */
public final class DealerNode implements AutoCloseable {
  private final Server server;
  private final ScheduledExecutorService sweeper;
  private final java.util.concurrent.ExecutorService compute;

  private DealerNode(Server server, ScheduledExecutorService sweeper, java.util.concurrent.ExecutorService compute) {
    this.server = server;
    this.sweeper = sweeper;
    this.compute = compute;
  }

  public static DealerNode start(String bind, int port) throws IOException {
    return start(bind, port, null);
  }

  /** @param tls the dealer's certificate and the cluster CA, or null for plaintext */
  public static DealerNode start(String bind, int port, smpc.net.Tls tls) throws IOException {
    // seeds are handed out on the transport thread (one hand-off less on every session's critical path)
    // an alignment's tags come in one message: 32 MiB holds 2 million (any id list a party takes in its 4 MiB request)
    // (PendingRequests bounds what one principal's unfinished requests hold of those 32 MiB each)
    PendingRequests pending = new PendingRequests(smpc.net.Tls::caller, smpc.net.Tls::callerRole);
    return start(dealer -> Grpc.serve(bind, port, tls, true, smpc.core.psi.DealerPsi.MAX_REQUEST_BYTES, pending, dealer));
  }

  /**
   * A dealer on a server of the caller's making (in-process gRPC, say): {@code server} gets the dealer's
   * service and is started. Run it on a direct executor, as {@link #start} does.
   */
  public static DealerNode start(ServerBuilder<?> server) throws IOException {
    return start(dealer -> server.addService(dealer).intercept(smpc.net.Statuses.interceptor()).build().start());
  }

  private interface Serve {
    Server start(BindableService dealer) throws IOException;
  }

  private static DealerNode start(Serve serve) throws IOException {
    java.util.concurrent.ExecutorService compute = Executors.newCachedThreadPool(Grpc.daemonThreads("dealer-compute"));
    DealerService dealer = new DealerService(compute);
    Server server = serve.start(dealer);
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Grpc.daemonThreads("dealer-expiry"));
    sweeper.scheduleAtFixedRate(() -> { // an exception would cancel every later sweep, and the caps would fill for good
      try {
        dealer.expire();
      } catch (RuntimeException e) {
        java.util.logging.Logger.getLogger(DealerNode.class.getName()).log(java.util.logging.Level.WARNING, "expiry sweep failed", e);
      }
    }, 5, 5, TimeUnit.SECONDS);
    return new DealerNode(server, sweeper, compute);
  }

  public int port() {
    return server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdownNow();
    sweeper.shutdownNow();
    compute.shutdownNow();
  }
}
