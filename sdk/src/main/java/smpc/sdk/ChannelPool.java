package smpc.sdk;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import smpc.net.Grpc;
import smpc.net.Tls;

/**
 * Channels kept across connections, for a long-lived client that opens many short ones (the CLI's agent runs
 * each command on a connection of its own): a connection then finds its TLS connections made instead of
 * shaking hands with every process it calls. One channel per address and identity (the principal, the server it
 * is pinned to), made anew when the identity's files changed (their contents: certificate, key, trusted CAs and
 * revocation lists) or after {@link #MAX_AGE_MS}, so that the server's certificate is checked again as a fresh
 * connection would; a replaced channel closes once the last connection holding it closed, and one no connection
 * holds is closed at the first acquire after that age whatever its address (the agent lives on while clusters
 * come and go: without that it kept a channel per address and identity ever used until it exited). Each connection's
 * interceptors wrap the channel for its own calls, and callbacks run on gRPC's executor, not the shared network
 * threads: a connection whose callback blocks (a progress line to a stalled terminal) holds up no other.
 */
public final class ChannelPool implements AutoCloseable {
  /** The longest a channel is handed out: its server's certificate is checked again at least this often. */
  static final long MAX_AGE_MS = 10 * 60_000;

  /** A channel and the connections holding it. */
  static final class Lease {
    final ManagedChannel channel;
    private final List<Object> files;
    private final long born = System.currentTimeMillis();
    private int holders;
    private boolean retired;

    private Lease(ManagedChannel channel, List<Object> files) {
      this.channel = channel;
      this.files = files;
    }
  }

  private final long maxAgeMs;
  private final Map<List<Object>, Lease> current = new HashMap<>();
  private final Set<Lease> open = new HashSet<>();
  private final EventLoopGroup loops = Grpc.clientLoops();
  private boolean closed;

  public ChannelPool() {
    this(MAX_AGE_MS);
  }

  /** @param maxAgeMs the longest a channel is handed out, and kept once no connection holds it */
  public ChannelPool(long maxAgeMs) {
    if (maxAgeMs <= 0) throw new IllegalArgumentException("a channel's age limit must be positive, got " + maxAgeMs + " ms");
    this.maxAgeMs = maxAgeMs;
  }

  /** The channel to {@code address} presenting {@code tls} (null: plaintext), held until {@link #release}. */
  synchronized Lease acquire(String address, Tls tls) {
    if (closed) throw new IllegalStateException("the channel pool is closed");
    List<Object> key = java.util.Arrays.asList(address, tls);
    List<Object> files = tls == null ? List.of() : tls.versioned();
    long now = System.currentTimeMillis();
    current.values().removeIf(old -> {
      boolean stale = old.holders == 0 && now - old.born > maxAgeMs;
      if (stale) retire(old);
      return stale;
    });
    Lease l = current.get(key);
    if (l != null && (!l.files.equals(files) || now - l.born > maxAgeMs)) {
      current.remove(key);
      retire(l);
      l = null;
    }
    if (l == null) {
      l = new Lease(Grpc.channel(address, tls, false, loops), files);
      current.put(key, l);
      open.add(l);
    }
    l.holders++;
    return l;
  }

  /** A connection no longer uses the channel: a replaced one closes with its last holder. */
  synchronized void release(Lease l) {
    l.holders--;
    if (l.retired && l.holders == 0) close(l);
  }

  private void retire(Lease l) {
    l.retired = true;
    if (l.holders == 0) close(l);
  }

  private void close(Lease l) {
    open.remove(l);
    l.channel.shutdown(); // calls in flight finish
  }

  /** How many channels are handed out: one per address and identity used within the age limit, or still held. */
  public synchronized int size() {
    return current.size();
  }

  /** How many channels are open: those handed out, and replaced ones that a connection still holds. */
  public synchronized int open() {
    return open.size();
  }

  /** Closes every channel (after the calls in flight, up to 2 s) and stops the network threads. */
  @Override
  public void close() {
    List<ManagedChannel> channels = new ArrayList<>();
    synchronized (this) {
      closed = true;
      open.forEach(l -> channels.add(l.channel));
      open.clear();
      current.clear();
    }
    Grpc.close(channels);
    Grpc.stop(loops);
  }
}
