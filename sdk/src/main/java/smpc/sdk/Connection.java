package smpc.sdk;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import smpc.net.Grpc;
import smpc.proto.PartyGrpc;

/**
 * The channels to a cluster's processes, one per process and identity, with this client's deadline and network
 * threads. The identity is the configured principal, else (a single operator's cluster) the client of the party
 * an action concerns: the least privilege that lets it do that action.
 */
final class Connection {
  final ClusterConfig config;
  volatile Duration timeout = Duration.ofSeconds(60);
  /** Told each principal picked per action, the first time it is used. */
  volatile java.util.function.Consumer<String> picked = p -> {};
  /** Told (rounds done, rounds in all) as a long session's first party reports them. */
  volatile java.util.function.BiConsumer<Integer, Integer> progress = (done, total) -> {};
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final java.util.Set<String> announced = ConcurrentHashMap.newKeySet();
  private final ClientInterceptor[] interceptors;
  private final String principal; // null: picked per action
  /** Channels kept beyond this connection, or null: its own, closed with it. */
  private final ChannelPool pool;
  /** The pool's channels this connection holds (released on close). */
  private final java.util.Queue<ChannelPool.Lease> leases = new java.util.concurrent.ConcurrentLinkedQueue<>();
  // our own network threads, stopped on close: gRPC's shared ones outlive a channel in native code, and the
  // JVM waits for such threads at exit (0.3 s off every CLI command); none with a pool, which has its own
  private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup loops;

  Connection(ClusterConfig config, ChannelPool pool, ClientInterceptor[] interceptors) {
    this.config = config;
    this.interceptors = interceptors;
    this.principal = config.principal();
    this.pool = pool;
    this.loops = pool == null ? Grpc.clientLoops() : null;
  }

  /** The configured principal, or null when each action picks its own. */
  String principal() {
    return principal;
  }

  /** The organisation the configured principal acts for (client-P: P), or null when each action picks its own. */
  String organisation() {
    return principal != null && principal.startsWith(smpc.net.Tls.CLIENT_PREFIX) ? principal.substring(smpc.net.Tls.CLIENT_PREFIX.length()) : null;
  }

  /** Who acts on a party's own data (its values, its catalog; the dealer: the first party's): its client. */
  String principalFor(String party) {
    return principal != null ? principal : smpc.net.Tls.CLIENT_PREFIX + (party != null ? party : config.partyNames().get(0));
  }

  String address(String party) {
    return config.parties().stream().filter(n -> n.name().equals(party)).findFirst()
        .map(ClusterConfig.Node::address)
        .orElseThrow(() -> SmpcException.usage("unknown party '%s'%s (the cluster has %s)", party, Names.didYouMean(party, config.partyNames()),
            String.join(", ", config.partyNames())));
  }

  /** The channel to a party (null: the dealer), revived first if an earlier failure left it failing. */
  Channel channel(String party) {
    return channel(party, principalFor(party));
  }

  /** The channel to a party (null: the dealer) presenting {@code as}, revived first if an earlier failure left it failing. */
  Channel channel(String party, String as) {
    // a channel left failing by a process that has since restarted reconnects at once (callers' threads only)
    return intercepted(Grpc.revive(managed(party, as), 3_000));
  }

  Channel channelAsIs(String party, String as) {
    return intercepted(managed(party, as));
  }

  /** A pool's channel carries no connection's interceptors: this connection's wrap it for its own calls. */
  private Channel intercepted(ManagedChannel c) {
    return pool == null ? c : ClientInterceptors.intercept(c, interceptors);
  }

  private ManagedChannel managed(String party, String as) {
    String addr = party == null ? config.dealer().address() : address(party);
    String who = config.tls() != null ? as : null;
    // the SDK's own callbacks only file replies and complete futures: they run on the transport thread
    // (one hand-off less per call), unless a caller's interceptors might block; a pool's channels never do
    // (their threads serve every connection of the pool, and a caller's callback, a progress line, may block)
    // pinned: the handshake refuses any server but this party (or the dealer), certified by its own organisation
    String target = party == null ? smpc.net.Tls.DEALER_NAME : party;
    ManagedChannel c = channels.computeIfAbsent(addr + " " + who, k -> {
      smpc.net.Tls tls = who == null ? null : config.identity(who).pinned(target);
      if (pool == null) return Grpc.channel(addr, tls, interceptors.length == 0, loops, interceptors);
      ChannelPool.Lease l = pool.acquire(addr, tls);
      leases.add(l);
      return l.channel;
    });
    if (who != null && principal == null && announced.add(who)) picked.accept(who);
    return c;
  }

  PartyGrpc.PartyBlockingStub party(String name) {
    return PartyGrpc.newBlockingStub(channel(name)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** "party P (address)", as errors name a party. */
  String where(String party) {
    return "party " + party + " (" + address(party) + ")";
  }

  void close() {
    if (pool != null) { // the pool's channels outlive this connection
      for (ChannelPool.Lease l; (l = leases.poll()) != null; ) pool.release(l); // once each, however often closed
      return;
    }
    Grpc.close(channels.values());
    Grpc.stop(loops);
  }
}
