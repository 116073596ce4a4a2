package smpc.party;

import static smpc.core.Errors.precondition;

import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import smpc.net.Grpc;

/** Addresses of this party's peers and the dealer, from its own configuration, with one channel each. */
final class Peers implements AutoCloseable {
  final String me;
  private final Map<String, String> addresses;
  final String dealer;
  /** Opens a channel to an address (a peer's or the dealer's). */
  private final Function<String, ManagedChannel> connect;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  /** One long-lived message stream to each peer. */
  final PeerStreams streams = new PeerStreams(this);

  Peers(String me, Map<String, String> addresses, String dealer, Function<String, ManagedChannel> connect) {
    this.me = me;
    this.addresses = Map.copyOf(addresses);
    this.dealer = dealer;
    this.connect = connect;
  }

  /** A peer of this party (not itself). */
  boolean isPeer(String party) {
    return addresses.containsKey(party);
  }

  /** Every party this one knows: itself and its peers. */
  java.util.List<String> parties() {
    java.util.List<String> out = new java.util.ArrayList<>(addresses.keySet());
    if (!out.contains(me)) out.add(me);
    return out;
  }

  String address(String party) {
    String a = addresses.get(party);
    if (a == null) throw precondition("party '%s' is not a known peer of %s (known: %s)", party, me, addresses.keySet());
    return a;
  }

  /** Waiting for a restarted peer's channel (only after a failure): well inside any session's deadline. */
  private static final long REVIVE_MS = 3_000;

  /**
   * Callbacks of peer calls only complete futures and send the next chunk, so they run on the transport
   * thread. Called from session threads, which may wait for a channel to reconnect after a peer restarted.
   */
  ManagedChannel channel(String party) {
    return Grpc.revive(channelAsIs(party), REVIVE_MS);
  }

  /** The channel to a peer as it is, never waiting for it to connect (for {@link ConnectAhead}). */
  ManagedChannel channelAsIs(String party) {
    return channels.computeIfAbsent(party, p -> connect.apply(address(p)));
  }

  ManagedChannel dealerChannelAsIs() {
    return channels.computeIfAbsent("\0dealer", p -> connect.apply(dealer));
  }

  /** Direct too: seeds and corrections are filed into futures on the transport thread; release's blocking call runs its own. */
  ManagedChannel dealerChannel() {
    return Grpc.revive(dealerChannelAsIs(), REVIVE_MS);
  }

  @Override
  public void close() {
    streams.close();
    Grpc.close(channels.values());
  }
}
