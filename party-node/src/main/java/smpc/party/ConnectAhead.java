package smpc.party;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import smpc.net.Grpc;

/**
 * Connects a starting party to its peers and the dealer in the background: the TLS handshakes, each peer's
 * message stream and this party's dealer key are then ready before the first session, instead of being that
 * session's to wait for (gRPC connects a channel at its first call). Best effort: what is not up within
 * {@link #WINDOW_MS} is connected by the first session that needs it, as before.
 */
final class ConnectAhead implements AutoCloseable {
  /** How long a starting party keeps trying: the processes of a cluster start within seconds of each other. */
  static final long WINDOW_MS = 30_000;
  private static final long EVERY_MS = 200;

  private final Peers peers;
  private final Runnable fetchKey;
  private final Set<String> linked = new HashSet<>();
  private final long until = System.currentTimeMillis() + WINDOW_MS;
  private boolean keyAsked;
  /** A thread of its own: opening a stream may wait for a channel (up to 3 s), and nothing else should wait for that. */
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(Grpc.daemonThreads("party-connect"));

  private ConnectAhead(Peers peers, Runnable fetchKey) {
    this.peers = peers;
    this.fetchKey = fetchKey;
  }

  /** Starts trying; {@code fetchKey} asks the dealer for this party's key. Close it before the peers' channels. */
  static ConnectAhead start(Peers peers, Runnable fetchKey) {
    ConnectAhead c = new ConnectAhead(peers, fetchKey);
    c.thread.scheduleWithFixedDelay(c::step, 0, EVERY_MS, TimeUnit.MILLISECONDS);
    return c;
  }

  /** Stops trying, and waits for a step under way: nothing opens a channel after the party closed its own. */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void step() {
    try {
      for (String p : peers.parties()) {
        if (p.equals(peers.me) || linked.contains(p)) continue;
        // a channel only: peers.channel would wait for one that failed, and a stream opens only once it is ready
        if (ready(peers.channelAsIs(p)) && peers.streams.open(p)) linked.add(p);
      }
      if (!keyAsked && ready(peers.dealerChannelAsIs())) {
        fetchKey.run();
        keyAsked = true;
      }
    } catch (RuntimeException e) {
      // a peer refused or went away meanwhile: the first session connects as it always did
    }
    if ((keyAsked && linked.size() == peers.parties().size() - 1) || System.currentTimeMillis() > until) thread.shutdown();
  }

  /** Asks the channel to connect; true once it is. A failed connection is retried now, not after gRPC's backoff. */
  private static boolean ready(ManagedChannel channel) {
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.TRANSIENT_FAILURE) channel.resetConnectBackoff();
    return state == ConnectivityState.READY;
  }
}
