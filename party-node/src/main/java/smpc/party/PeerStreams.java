package smpc.party;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import smpc.net.Grpc;
import smpc.proto.Envelope;
import smpc.proto.PeerGrpc;
import smpc.proto.Refusal;

/**
 * One long-lived stream to each peer (Peer.Stream), shared by every session: a small message is one
 * envelope on it, instead of a call of its own with headers, trailers and an acknowledgement. Nothing
 * answers a filed message; a refused one comes back as a {@link Refusal} and fails its session, and a
 * stream that breaks (the peer stopped or restarted) fails every session that sent on it and still runs,
 * since what it sent may be lost. The next session opens a new stream (after {@link Peers#channel}
 * revived the channel). A message that does not fit, or finds the stream's buffer full (gRPC flow
 * control: {@code isReady}), goes by a Deliver call instead, so nothing queues without bound.
 */
final class PeerStreams implements AutoCloseable {
  private final Peers peers;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final Map<String, Object> opening = new ConcurrentHashMap<>(); // per peer: one stream opened at a time

  PeerStreams(Peers peers) {
    this.peers = peers;
  }

  /**
   * Writes a whole message to {@code party}'s stream for session {@code s}; false when it must go by a
   * Deliver call (no stream could be opened, or it is not ready for more). Blocking only while a peer's
   * channel reconnects (session threads only).
   */
  boolean send(Session s, String party, Envelope message) {
    Link l = link(party);
    return l != null && l.send(s, message);
  }

  /** Opens {@code party}'s stream ahead of the first message ({@link ConnectAhead}); false when it could not be. */
  boolean open(String party) {
    return link(party) != null;
  }

  /** Forgets a session that ended (it no longer fails when a stream breaks). */
  void ended(Session s) {
    for (Link l : links.values()) l.users.remove(s.id, s);
  }

  private Link link(String party) {
    Link l = links.get(party);
    if (l != null && !l.dead) return l;
    synchronized (opening.computeIfAbsent(party, p -> new Object())) {
      l = links.get(party);
      if (l != null && !l.dead) return l;
      ManagedChannel channel = peers.channel(party);
      Link fresh = new Link(party);
      // not in the Execute call's context: the stream outlives the session that opens it
      Context.ROOT.run(() -> PeerGrpc.newStub(channel).withOnReadyThreshold(Grpc.QUEUED).stream(fresh));
      if (fresh.dead) return null; // failed at once (the peer is down): this message goes by Deliver, which says so
      links.put(party, fresh); // published only once started: a sender never sees it without its call
      return fresh;
    }
  }

  /** Half-closes every stream (the peers complete theirs), so that channels shut down at once. */
  @Override
  public void close() {
    for (Link l : links.values()) l.close();
  }

  private final class Link implements ClientResponseObserver<Envelope, Refusal> {
    final String party;
    /** Sessions that sent on this stream and still run. */
    final Map<ByteString, Session> users = new ConcurrentHashMap<>();
    private ClientCallStreamObserver<Envelope> out;
    volatile boolean dead;

    Link(String party) {
      this.party = party;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Envelope> out) {
      this.out = out;
    }

    synchronized boolean send(Session s, Envelope message) {
      if (dead || !out.isReady()) return false;
      users.put(s.id, s);
      out.onNext(message);
      return true;
    }

    @Override
    public void onNext(Refusal r) {
      Session s = users.get(r.getSessionId());
      if (s != null) {
        s.fail(GrpcTransport.describe(peers, party,
            Status.fromCodeValue(r.getCode()).withDescription(r.getDescription()).asRuntimeException()));
      }
    }

    @Override
    public void onError(Throwable t) {
      die(t);
    }

    @Override
    public void onCompleted() {
      die(Status.UNAVAILABLE.withDescription("the peer closed its message stream").asRuntimeException());
    }

    private void die(Throwable t) {
      RuntimeException e = GrpcTransport.describe(peers, party, t);
      synchronized (this) {
        dead = true;
      }
      links.remove(party, this);
      for (Session s : users.values()) s.fail(e);
      users.clear();
    }

    synchronized void close() {
      if (dead) return;
      dead = true;
      try {
        out.onCompleted();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }
}
