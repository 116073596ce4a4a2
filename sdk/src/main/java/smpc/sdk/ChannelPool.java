package smpc.sdk;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import smpc.net.Grpc;
import smpc.net.Tls;

/**
 * Channels kept across connections, for a long-lived client that opens many short ones (the CLI's agent runs
 * each command on a connection of its own): a connection then finds its TLS connections made instead of
 * shaking hands with every process it calls. One channel per address and identity, the identity including the
 * server it is pinned to and the versions of its files (renewed certificates get a new channel); each
 * connection's interceptors wrap the channel for its own calls. The channels run their callbacks on the network
 * threads, as a connection without interceptors does: the interceptors of the connections that use a pool must
 * never block.
 */
public final class ChannelPool implements AutoCloseable {
  private final Map<List<Object>, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final EventLoopGroup loops = Grpc.clientLoops();

  /** The channel to {@code address} presenting {@code tls} (null: plaintext), made at its first use. */
  ManagedChannel channel(String address, Tls tls) {
    List<Object> key = new ArrayList<>(List.of(address));
    if (tls != null) key.addAll(tls.versioned());
    return channels.computeIfAbsent(key, k -> Grpc.channel(address, tls, true, loops));
  }

  /** How many channels the pool holds: one per address and identity used so far. */
  public int size() {
    return channels.size();
  }

  /** Closes every channel (after the calls in flight, up to 2 s) and stops the network threads. */
  @Override
  public void close() {
    Grpc.close(channels.values());
    Grpc.stop(loops);
  }
}
