package smpc.sdk;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import smpc.net.Grpc;
import smpc.proto.PartyGrpc;

/** The channels to a cluster's processes, with this client's identity, deadline and network threads. */
final class Connection {
  final ClusterConfig config;
  volatile Duration timeout = Duration.ofSeconds(60);
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ClientInterceptor[] interceptors;
  private final smpc.net.Tls identity;
  // our own network threads, stopped on close: gRPC's shared ones outlive a channel in native code, and the
  // JVM waits for such threads at exit (0.3 s off every CLI command)
  private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup loops = Grpc.clientLoops();

  Connection(ClusterConfig config, ClientInterceptor[] interceptors) {
    this.config = config;
    this.interceptors = interceptors;
    this.identity = config.identity();
  }

  String address(String party) {
    return config.parties().stream().filter(n -> n.name().equals(party)).findFirst()
        .map(ClusterConfig.Node::address)
        .orElseThrow(() -> SmpcException.usage("unknown party '%s' (the cluster has %s)", party, String.join(", ", config.partyNames())));
  }

  /** The channel to a party (null: the dealer), revived first if an earlier failure left it failing. */
  ManagedChannel channel(String party) {
    // a channel left failing by a process that has since restarted reconnects at once (callers' threads only)
    return Grpc.revive(channelAsIs(party), 3_000);
  }

  ManagedChannel channelAsIs(String party) {
    String addr = party == null ? config.dealer().address() : address(party);
    // the SDK's own callbacks only file replies and complete futures: they run on the transport thread
    // (one hand-off less per call), unless a caller's interceptors might block
    // pinned: the handshake refuses any server but this party (or the dealer), certified by its own organisation
    smpc.net.Tls tls = identity == null ? null : identity.pinned(party == null ? smpc.net.Tls.DEALER_NAME : party);
    return channels.computeIfAbsent(addr, a -> Grpc.channel(a, tls, interceptors.length == 0, loops, interceptors));
  }

  PartyGrpc.PartyBlockingStub party(String name) {
    return PartyGrpc.newBlockingStub(channel(name)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** "party P (address)", as errors name a party. */
  String where(String party) {
    return "party " + party + " (" + address(party) + ")";
  }

  void close() {
    Grpc.close(channels.values());
    Grpc.stop(loops);
  }
}
