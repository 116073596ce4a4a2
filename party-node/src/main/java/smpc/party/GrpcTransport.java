package smpc.party;

import smpc.net.Statuses;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import smpc.core.Errors;
import smpc.net.Chunks;
import smpc.core.protocol.Limits;
import smpc.core.protocol.Transport;
import smpc.proto.DeliverAck;
import smpc.proto.Envelope;
import smpc.proto.PeerGrpc;

/**
 * Sends a session's messages straight to each peer's open-value endpoint (small ones on the stream shared
 * with that peer, see {@link PeerStreams}; larger ones by a Deliver call of their own, in chunks under flow
 * control); receives from the mailbox.
 */
final class GrpcTransport implements Transport {
  private final Session session;
  private final Peers peers;
  private final Mailbox mailbox;

  GrpcTransport(Session session, Peers peers, Mailbox mailbox) {
    this.session = session;
    this.peers = peers;
    this.mailbox = mailbox;
  }

  @Override
  public CompletableFuture<Void> send(int to, String tag, byte[] payload) {
    String party = session.parties.get(to);
    int chunk = Limits.CHUNK_BYTES;
    if (payload.length <= chunk && peers.streams.send(session, party, Envelope.newBuilder().setSessionId(session.id)
        .setFrom(peers.me).setTag(tag).setTotalBytes(payload.length).setData(UnsafeByteOperations.unsafeWrap(payload)).build())) {
      return DONE; // a refusal or a broken stream fails the session instead
    }
    Chunks.Upload<Envelope, DeliverAck> up = Chunks.upload(Chunks.count(payload.length, chunk), k -> {
      int off = k * chunk;
      return Envelope.newBuilder().setSessionId(session.id).setFrom(peers.me).setTag(tag)
          .setTotalBytes(payload.length).setOffset(off)
          .setData(UnsafeByteOperations.unsafeWrap(payload, off, Math.min(chunk, payload.length - off))).build();
    });
    long wait = Math.max(1, session.deadline - System.currentTimeMillis());
    // not in the Execute call's context: gRPC cancels that when the call completes, and a message the session does not
    // wait for (the plan agreement's) may still be on its way then. The session's deadline bounds the call (a peer
    // where the session ended refuses the message, which ends it sooner).
    io.grpc.ManagedChannel channel = peers.channel(party);
    Context.ROOT.run(() -> PeerGrpc.newStub(channel).withOnReadyThreshold(smpc.net.Grpc.QUEUED)
        .withDeadlineAfter(wait, TimeUnit.MILLISECONDS).deliver(up));
    up.start();
    return up.reply.handle((ok, err) -> {
      if (err == null) return null;
      RuntimeException e = describe(peers, party, err);
      session.fail(e);
      throw e;
    });
  }

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** A failure to send to {@code party} as the session reports it. */
  static RuntimeException describe(Peers peers, String party, Throwable err) {
    Status s = Statuses.status(err).getStatus();
    if (s.getCode() == Status.Code.UNAVAILABLE) {
      return Errors.unavailable("party %s (%s) is unreachable: %s", party, peers.address(party), Statuses.describe(err));
    }
    if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return Errors.deadline("session deadline passed while sending to party %s", party);
    }
    return Errors.aborted("party %s refused a message: %s", party, Statuses.describe(err));
  }

  @Override
  public byte[] receive(int from, String tag) {
    return mailbox.take(session, session.parties.get(from), tag).toByteArray();
  }

  @Override
  public long[] receiveLongs(int from, String tag) {
    return smpc.core.ring.Packing.fromByteString(mailbox.take(session, session.parties.get(from), tag));
  }

  @Override
  public long receiveInto(int from, String tag, long[] acc, boolean xor) {
    return smpc.core.ring.Packing.combine(mailbox.take(session, session.parties.get(from), tag), acc, xor);
  }
}
