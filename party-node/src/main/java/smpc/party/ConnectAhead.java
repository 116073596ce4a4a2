package smpc.party;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connects a starting party to its peers and the dealer in the background: the TLS handshakes, each peer's
 * message stream and this party's dealer key are then ready before the first session, instead of being that
 * session's to wait for (gRPC connects a channel at its first call). Best effort: what is not up within
 * {@link #WINDOW_MS} is connected by the first session that needs it, as before.
 */
final class ConnectAhead {
  /** How long a starting party keeps trying: the processes of a cluster start within seconds of each other. */
  static final long WINDOW_MS = 30_000;
  private static final long EVERY_MS = 200;

  private final Peers peers;
  private final Runnable fetchKey;
  private final Set<String> linked = new HashSet<>();
  private final long until = System.currentTimeMillis() + WINDOW_MS;
  private boolean keyAsked;
  private ScheduledFuture<?> task;

  private ConnectAhead(Peers peers, Runnable fetchKey) {
    this.peers = peers;
    this.fetchKey = fetchKey;
  }

  /** Starts trying on {@code on} (a thread that may block briefly); {@code fetchKey} asks the dealer for this party's key. */
  static void start(Peers peers, Runnable fetchKey, ScheduledExecutorService on) {
    ConnectAhead c = new ConnectAhead(peers, fetchKey);
    synchronized (c) {
      c.task = on.scheduleWithFixedDelay(c::step, 0, EVERY_MS, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void step() {
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
    if ((keyAsked && linked.size() == peers.parties().size() - 1) || System.currentTimeMillis() > until) task.cancel(false);
  }

  /** Asks the channel to connect; true once it is. A failed connection is retried now, not after gRPC's backoff. */
  private static boolean ready(ManagedChannel channel) {
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.TRANSIENT_FAILURE) channel.resetConnectBackoff();
    return state == ConnectivityState.READY;
  }
}
