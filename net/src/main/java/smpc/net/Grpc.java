package smpc.net;

import io.grpc.BindableService;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Channels and servers as every smpc process makes them. */
public final class Grpc {
  private Grpc() {}

  static {
    // Netty's buffer allocator emits JFR events when JFR is present: registering them loads the whole of JFR,
    // ~0.1 s of every fresh JVM (the CLI's start-up). Off unless asked for.
    if (System.getProperty("io.grpc.netty.shaded.io.netty.jfr.enabled") == null) {
      System.setProperty("io.grpc.netty.shaded.io.netty.jfr.enabled", "false");
    }
    // Netty's leak detector takes a stack trace of a sample of buffers: about 1% of a party's CPU on small
    // sessions. Off unless asked for (-Dio.grpc.netty.shaded.io.netty.leakDetection.level=simple).
    if (System.getProperty("io.grpc.netty.shaded.io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /**
   * HTTP/2 flow-control window of every connection. With gRPC's default (1 MiB) a sender stalls after each
   * 1 MiB chunk until the receiver has read it, so a 16 MB opening crawls in lockstep; a wide window lets
   * it stream. Receivers hold whole messages anyway (the mailbox caps what they buffer).
   */
  public static final int WINDOW = 16 << 20;

  /** Bytes a chunked sender may queue before waiting for onReady (gRPC's default is 32 KiB: one chunk at a time). */
  public static final int QUEUED = 4 << 20;

  /**
   * Makes a name that did not resolve resolve the moment its host is there. Parties and the dealer come up in any
   * order, each on a host of its own, and a session revives a failed channel at once ({@link #revive}); but the JDK
   * remembers a failed lookup for 10 s (the security property {@code networkaddress.cache.negative.ttl}), so a party
   * that started before a peer's name existed failed that peer's sessions for up to 10 s after it came
   * (OnePartyPerHostIT met it). Successful lookups keep the JDK's default. Call it first in a server's main: the JDK
   * reads the setting at its first lookup.
   */
  public static void forgetFailedLookups() {
    java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
  }

  /** A plaintext channel (development mode). */
  public static ManagedChannel channel(String address, ClientInterceptor... interceptors) {
    return channel(address, null, interceptors);
  }

  /** A channel presenting {@code tls}'s certificate and trusting only its CA; plaintext when tls is null. */
  public static ManagedChannel channel(String address, Tls tls, ClientInterceptor... interceptors) {
    return channel(address, tls, false, interceptors);
  }

  /** @param direct run call callbacks on the transport threads (only for callers whose callbacks never block) */
  public static ManagedChannel channel(String address, Tls tls, boolean direct, ClientInterceptor... interceptors) {
    return channel(address, tls, direct, null, interceptors);
  }

  /**
   * @param loops the network threads to use (see {@link #clientLoops}), or null for gRPC's shared ones
   */
  public static ManagedChannel channel(String address, Tls tls, boolean direct, EventLoopGroup loops, ClientInterceptor... interceptors) {
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(address).flowControlWindow(WINDOW).intercept(interceptors);
    if (loops != null) b.eventLoopGroup(loops).channelType(NioSocketChannel.class);
    if (direct) b.directExecutor();
    if (tls == null) b.usePlaintext();
    else b.sslContext(tls.client());
    return b.build();
  }

  /** A plaintext server (development mode). */
  public static Server serve(String bind, int port, BindableService... services) throws IOException {
    return serve(bind, port, null, services);
  }

  /**
   * Starts a server with the given services plus gRPC's standard health and reflection services; with
   * {@code tls}, every caller must present a certificate of the cluster CA, whose principal the handlers see.
   */
  public static Server serve(String bind, int port, Tls tls, BindableService... services) throws IOException {
    return serve(bind, port, tls, false, services);
  }

  /**
   * @param direct run handlers on the transport threads, not gRPC's executor: one thread hand-off less per
   *     call and per message, for services whose handlers never block (or hand blocking work to a pool themselves)
   */
  public static Server serve(String bind, int port, Tls tls, boolean direct, BindableService... services) throws IOException {
    return serve(bind, port, tls, direct, 4 << 20, services);
  }

  /** @param maxInboundBytes the largest message a caller may send (gRPC's default is 4 MiB) */
  public static Server serve(String bind, int port, Tls tls, boolean direct, int maxInboundBytes, BindableService... services)
      throws IOException {
    return serve(bind, port, tls, direct, maxInboundBytes, null, services);
  }

  /**
   * @param perCaller an interceptor of every call, health and reflection included, that sees the caller's principal
   *     ({@link Tls#caller}); null for none
   */
  public static Server serve(String bind, int port, Tls tls, boolean direct, int maxInboundBytes, io.grpc.ServerInterceptor perCaller,
      BindableService... services) throws IOException {
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(bind, port)).flowControlWindow(WINDOW)
        .maxInboundMessageSize(maxInboundBytes);
    if (direct) b.directExecutor();
    b.intercept(Statuses.interceptor());
    if (perCaller != null) b.intercept(perCaller); // added before the identity's: called after it, inside its context
    if (tls != null) b.sslContext(tls.server()).intercept(tls.identity());
    for (BindableService s : services) b.addService(s);
    HealthStatusManager health = new HealthStatusManager();
    b.addService(health.getHealthService()).addService(ProtoReflectionServiceV1.newInstance());
    Server server;
    try {
      server = b.build().start();
    } catch (IOException e) {
      throw new IOException("cannot listen on " + bind + ":" + port + ": " + bindFailure(e), e);
    }
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    return server;
  }

  /**
   * Why a server could not bind, in words. A port in use (EADDRINUSE) is said so: the JDK's transport reports it as
   * "Address already in use", Netty's native one as "bind(..) failed with error(-98)" (Linux's number for it);
   * anything else (an address this host does not have, a privileged port) keeps its own message.
   */
  private static String bindFailure(IOException e) {
    String last = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("Address already in use") || m.contains("error(-98)")) return "the address is in use (another process listens there)";
      if (t.getMessage() != null) last = t.getMessage();
    }
    return last;
  }

  /**
   * A channel an earlier failure left in TRANSIENT_FAILURE fails every call at once until its backoff (up to
   * two minutes) ends, even when the peer is back: pick-first keeps reporting the failure until it
   * reconnects. So such a channel is asked to reconnect now and given up to {@code maxWaitMs} to get ready;
   * a restarted process is then usable at once, and a dead one costs that wait at most. Call it only
   * where blocking is allowed (never on a transport thread).
   */
  public static ManagedChannel revive(ManagedChannel channel, long maxWaitMs) {
    if (channel.getState(false) != io.grpc.ConnectivityState.TRANSIENT_FAILURE) return channel;
    channel.resetConnectBackoff();
    long end = System.nanoTime() + maxWaitMs * 1_000_000;
    io.grpc.ConnectivityState state;
    while ((state = channel.getState(false)) != io.grpc.ConnectivityState.READY && System.nanoTime() < end) {
      java.util.concurrent.CountDownLatch changed = new java.util.concurrent.CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return channel;
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

  /**
   * Network threads of a client's own, which it shuts down when it closes. gRPC's shared ones outlive the
   * last channel by a second, blocked in native code, and a JVM waits up to 0.3 s at exit for threads in
   * native code to settle: every CLI command paid that.
   */
  public static EventLoopGroup clientLoops() {
    return new MultiThreadIoEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("smpc-client-io", true), NioIoHandler.newFactory());
  }

  /** Stops {@link #clientLoops} threads once their channels are closed. */
  public static void stop(EventLoopGroup loops) {
    loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** Closes a channel, waiting briefly for calls in flight. */
  public static void close(ManagedChannel channel) {
    close(java.util.List.of(channel));
  }

  /**
   * Closes channels together: all shut down first, then each awaited (up to 2 s for calls in flight), so
   * that closing takes as long as the slowest channel, not the sum (a fresh CLI paid ~0.1 s per channel).
   */
  public static void close(java.util.Collection<ManagedChannel> channels) {
    channels.forEach(ManagedChannel::shutdown);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (ManagedChannel c : channels) {
      try {
        if (!c.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) c.shutdownNow();
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
