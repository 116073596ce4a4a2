package smpc.core.net;

import io.grpc.BindableService;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Channels and servers as every smpc process makes them. */
public final class Grpc {
  private Grpc() {}

  public static ManagedChannel channel(String address, ClientInterceptor... interceptors) {
    return NettyChannelBuilder.forTarget(address).usePlaintext().intercept(interceptors).build();
  }

  /** Starts a server with the given services plus gRPC's standard health and reflection services. */
  public static Server serve(String bind, int port, BindableService... services) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(bind, port));
    for (BindableService s : services) b.addService(s);
    HealthStatusManager health = new HealthStatusManager();
    b.addService(health.getHealthService()).addService(ProtoReflectionServiceV1.newInstance());
    Server server = b.build().start();
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    return server;
  }

  /** True when the process at {@code address} answers its health check within the timeout. */
  public static boolean healthy(ManagedChannel channel, long timeoutMs) {
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Daemon threads named {@code name}, for a process's background pools. */
  public static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Closes a channel, waiting briefly for calls in flight. */
  public static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) channel.shutdownNow();
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
