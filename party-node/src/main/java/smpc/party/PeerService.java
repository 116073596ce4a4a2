package smpc.party;

import smpc.net.Statuses;
import smpc.core.Failure;
import static smpc.core.Errors.invalid;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import smpc.core.Errors;
import smpc.net.Tls;
import smpc.core.protocol.Limits;
import smpc.proto.DeliverAck;
import smpc.proto.Envelope;
import smpc.proto.PeerGrpc;
import smpc.proto.Refusal;

/** The open-value endpoint: peers deliver their contributions to a session's steps here, in chunks. */
final class PeerService extends PeerGrpc.PeerImplBase {
  /** Largest message: one Beaver round opens two vectors. */
  static final long MAX_MESSAGE = 16L * Limits.MAX_LENGTH;

  private final Mailbox mailbox;
  private final Peers peers;
  private final PeerRefusals refusals;

  PeerService(Mailbox mailbox, Peers peers, AuditLog audit) {
    this.mailbox = mailbox;
    this.peers = peers;
    this.refusals = new PeerRefusals(audit);
  }

  /** A message's first (or only) envelope: well-formed, and sent by the caller's own certificate as itself, a peer. */
  private void check(Envelope e, String caller, String role) {
    if (e.getSessionId().size() != Session.ID_BYTES) {
      throw invalid("session id must have %d bytes, got %d", Session.ID_BYTES, e.getSessionId().size());
    }
    if (e.getFrom().isEmpty() || e.getFrom().length() > 128) throw invalid("sender name missing or too long");
    if (caller != null && !(Tls.PARTY.equals(role) && caller.equals(e.getFrom()) && peers.isPeer(caller))) {
      throw Errors.denied("%s '%s' may not deliver messages as '%s': only that party, a peer of %s, may", role, caller,
          e.getFrom(), peers.me);
    }
    if (e.getTag().isEmpty() || e.getTag().length() > 64) throw invalid("message tag missing or too long");
    if (e.getTotalBytes() < 0 || e.getTotalBytes() > MAX_MESSAGE) {
      throw invalid("message size %d out of range [0, %d]", e.getTotalBytes(), MAX_MESSAGE);
    }
  }

  /**
   * A peer's long-lived stream: every envelope is a whole message, filed on the transport thread like a
   * Deliver call's, with the same checks (sender authorised by its certificate, duplicates and messages of
   * ended sessions refused, the buffer cap). A refusal goes back naming the message; a sender that is not
   * who its certificate says loses the stream.
   */
  @Override
  public StreamObserver<Envelope> stream(StreamObserver<Refusal> resp) {
    String caller = Tls.caller(), role = Tls.callerRole();
    ((ServerCallStreamObserver<Refusal>) resp).setOnCancelHandler(() -> {}); // a sender that left just stops
    return new StreamObserver<>() {
      private boolean closed;

      @Override
      public void onNext(Envelope e) {
        if (closed) return;
        try {
          check(e, caller, role);
          // a digest with its audit log head (64 bytes: it comes on the stream unless the stream is full) that comes
          // after its session ended here is dropped, not refused: a refusal could fail its sender before the digest
          // that differs from its own reaches it, hiding the disagreement (Agreement)
          if (e.getTag().equals(Agreement.TAG) && mailbox.isEnded(e.getSessionId())) return;
          if (e.getOffset() != 0 || e.getTotalBytes() != e.getData().size() || e.getTotalBytes() > Limits.CHUNK_BYTES) {
            throw invalid("a streamed message must be whole and at most %d bytes: %d bytes at offset %d of %d",
                Limits.CHUNK_BYTES, e.getData().size(), e.getOffset(), e.getTotalBytes());
          }
          Mailbox.Charge room = mailbox.reserve(e.getSessionId(), e.getFrom(), e.getTotalBytes());
          mailbox.deliver(room, e.getSessionId(), e.getFrom(), e.getTag(), e.getData()); // releases what it refuses
        } catch (StatusRuntimeException | Failure x) {
          StatusRuntimeException ex = Statuses.status(x);
          refusals.refused(caller, role, "Peer.Stream", ex, System.currentTimeMillis());
          if (ex.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
            closed = true;
            resp.onError(ex);
            return;
          }
          resp.onNext(Refusal.newBuilder().setSessionId(e.getSessionId()).setTag(e.getTag())
              .setCode(ex.getStatus().getCode().value()).setDescription(String.valueOf(ex.getStatus().getDescription())).build());
        }
      }

      @Override
      public void onError(Throwable t) {
        closed = true;
      }

      @Override
      public void onCompleted() {
        if (closed) return;
        closed = true;
        resp.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<Envelope> deliver(StreamObserver<DeliverAck> resp) {
    String caller = Tls.caller(), role = Tls.callerRole();
    // synchronized: the session's end may drop a message half here from another thread (Mailbox.Arriving)
    return new StreamObserver<>() {
      private ByteString session;
      private String from;
      private String tag;
      private Mailbox.Arriving reserved; // the whole message's bytes, once its first chunk came
      private ByteString data = ByteString.EMPTY; // the chunks so far, joined without copying
      private boolean failed;

      @Override
      public synchronized void onNext(Envelope e) {
        if (failed) return;
        try {
          if (reserved == null) start(e);
          else if (!e.getSessionId().equals(session) || !e.getFrom().equals(from) || !e.getTag().equals(tag)) {
            throw invalid("chunk headers changed within one message");
          }
          if (e.getOffset() != data.size() || e.getData().size() > reserved.bytes - data.size()) {
            throw invalid("chunk at offset %d with %d bytes does not continue a %d-byte message at %d",
                e.getOffset(), e.getData().size(), reserved.bytes, data.size());
          }
          data = data.concat(e.getData());
        } catch (StatusRuntimeException | Failure ex) {
          fail(Statuses.status(ex));
        }
      }

      private void start(Envelope e) {
        check(e, caller, role);
        reserved = mailbox.arriving(e.getSessionId(), e.getFrom(), e.getTotalBytes(), this::dropped);
        session = e.getSessionId();
        from = e.getFrom();
        tag = e.getTag();
      }

      /** Its session ended here before the whole message came: the call ends now, not at the sender's deadline. */
      private synchronized void dropped() {
        fail(Status.FAILED_PRECONDITION.withDescription("session " + Session.shortId(session) + " is over").asRuntimeException());
      }

      private void fail(StatusRuntimeException ex) {
        if (failed) return;
        failed = true;
        refusals.refused(caller, role, "Peer.Deliver", ex, System.currentTimeMillis());
        if (reserved != null) reserved.cancel();
        data = null;
        resp.onError(ex);
      }

      @Override
      public synchronized void onError(Throwable t) {
        if (reserved != null) reserved.cancel();
        failed = true;
        data = null;
      }

      @Override
      public synchronized void onCompleted() {
        if (failed) return;
        failed = true; // nothing more to give back from here on
        try {
          if (reserved == null) throw invalid("empty message stream");
          if (data.size() != reserved.bytes) {
            reserved.cancel();
            throw invalid("message truncated: %d of %d bytes", data.size(), reserved.bytes);
          }
          ByteString done = data;
          data = null;
          mailbox.deliver(reserved, from, tag, done);
          resp.onNext(DeliverAck.getDefaultInstance());
          resp.onCompleted();
        } catch (StatusRuntimeException | Failure ex) {
          resp.onError(Statuses.status(ex));
        }
      }
    };
  }
}
