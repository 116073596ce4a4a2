package smpc.party;

import static smpc.core.Errors.exists;
import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.net.LogFormat;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.core.protocol.Transport;
import smpc.core.psi.DealerPsi;
import smpc.core.psi.DhPsi;
import smpc.core.psi.Key;
import smpc.proto.AlignReply;
import smpc.proto.AlignRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.IntersectReply;
import smpc.proto.IntersectRequest;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Private row alignment at this party (docs/protocols.md "Private row alignment"): the ids come from this party's
 * own client, the exponent (or, dealer-assisted, this party's share of the PRF key) is drawn here for this
 * alignment and never leaves the process but to the peers the request names, over the authenticated peer channel;
 * dealer-assisted, the dealer gets the first party's tags and the other parties' PRF keys, nothing else. The result
 * is this party's private value.
 */
final class Alignment {
  private static final Logger LOG = Logger.getLogger(Alignment.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Tags in the dealer's largest Intersect request, less room for the rest of it. */
  private static final int MAX_TAG_BYTES = DealerPsi.MAX_REQUEST_BYTES - (64 << 10);

  private final Peers peers;
  private final ValueStore store;
  private final Mailbox mailbox;
  private final Quotas quotas;

  Alignment(Peers peers, ValueStore store, Mailbox mailbox, Quotas quotas) {
    this.peers = peers;
    this.store = store;
    this.mailbox = mailbox;
    this.quotas = quotas;
  }

  /** Runs an alignment the caller (this party's own client: checked before) asked for; {@code active} lists it meanwhile. */
  AlignReply run(AlignRequest req, Authorizer.Principal caller, Map<ByteString, Session> active) {
    String name = ValueStore.checkName(req.getName());
    ByteString id = req.getSessionId();
    if (id.size() != 16) throw invalid("alignment id must have 16 bytes, got %d", id.size());
    List<String> parties = req.getPartiesList();
    if (parties.size() < 2 || new HashSet<>(parties).size() != parties.size()) {
      throw invalid("an alignment needs at least 2 distinct parties, got %s", parties);
    }
    int me = parties.indexOf(peers.me);
    if (me < 0) throw precondition("this party is %s, which is not among the alignment's parties %s", peers.me, parties);
    for (String p : parties) if (!p.equals(peers.me)) peers.address(p);
    ValueInfo rows = source(req.getRows(), req.getIdsCount());
    if (!name.equals(rows.getName()) && store.info(name) != null) throw exists("value '%s' already exists on %s", name, peers.me);
    if (req.getTimeoutMs() <= 0) throw invalid("alignment timeout must be positive, got %d ms", req.getTimeoutMs());
    boolean dealerAssisted = switch (req.getProtocol()) {
      case "", "dh" -> false;
      case "dealer" -> true;
      default -> throw invalid("unknown alignment protocol '%s' (dh or dealer)", req.getProtocol());
    };
    Session s = new Session(id, parties, me, System.currentTimeMillis() + req.getTimeoutMs());
    quotas.checkDeadline(s.deadline);
    s.requester = caller;
    if (mailbox.isEnded(id) || active.putIfAbsent(id, s) != null) throw exists("alignment %s already ran or is running", Session.shortId(id));
    String who = caller != null ? caller.name() : smpc.core.protocol.Digests.PLAINTEXT;
    long t0 = System.nanoTime();
    try (Quotas.Ticket ticket = quotas.align(caller != null ? caller.name() : null, req.getIdsCount())) {
      Counting net = new Counting(new GrpcTransport(s, peers, mailbox));
      LogFormat.event(LOG, Level.INFO, "alignment start", "session", Session.shortId(id), "caller", who, "protocol", dealerAssisted ? "dealer" : "dh",
          "parties", parties.size(),
          "ids", req.getIdsCount());
      long[] toDealer = {0};
      DhPsi.Result r = dealerAssisted
          ? DealerPsi.run(net, me, parties, req.getIdsList(), agreement(id, parties, dealerAssisted), RANDOM, (tags, key, count) -> {
            toDealer[0] = tags != null ? tags.length : key.length;
            return intersect(id, parties, tags, key, count, s.deadline);
          })
          : DhPsi.run(net, me, parties, req.getIdsList(), Key.random(RANDOM), agreement(id, parties, dealerAssisted));
      StoredValue v = store.get(rows.getName());
      if (v == null || !v.info().equals(rows)) throw precondition("value '%s' on %s changed during the alignment", rows.getName(), peers.me);
      int cols = (int) Math.max(1, rows.getCols());
      long[] out = new long[r.rows().length * cols];
      for (int k = 0; k < r.rows().length; k++) System.arraycopy(v.data(), r.rows()[k] * cols, out, k * cols, cols);
      ValueInfo info = rows.toBuilder().setName(name).setLength(out.length).clearSessionId().build();
      store.commit(List.of(new PlanRunner.Store(new StoredValue(info, out), name.equals(rows.getName()))));
      AlignReply.Builder reply = AlignReply.newBuilder().setBytesSent(net.sent.get() + toDealer[0]);
      for (long size : r.sizes()) reply.addSizes(size);
      for (int row : r.rows()) reply.addRows(row);
      LogFormat.event(LOG, Level.INFO, "alignment end", "session", Session.shortId(id), "principal", who, "parties", parties.size(),
          "ids", req.getIdsCount(), "protocol", dealerAssisted ? "dealer" : "dh", "common", r.rows().length, "bytes_sent", net.sent.get() + toDealer[0], "duration_ms", (System.nanoTime() - t0) / 1_000_000);
      return reply.build();
    } catch (RuntimeException e) {
      if (dealerAssisted) abortAtDealer(id, parties);
      LogFormat.event(LOG, Level.INFO, "alignment failed", "session", Session.shortId(id), "caller", who, "protocol", dealerAssisted ? "dealer" : "dh",
          "parties", parties.size(),
          "duration_ms", (System.nanoTime() - t0) / 1_000_000, "error", smpc.net.Statuses.describe(e));
      throw e;
    } finally {
      active.remove(id);
      mailbox.end(id);
    }
  }

  /** The dealer's answer to this party's tags (the first party) or key (DealerPsi): it waits for every party of the alignment. */
  private DealerPsi.Answer intersect(ByteString id, List<String> parties, byte[] tags, byte[] key, long count, long deadline) {
    if (tags != null && tags.length > MAX_TAG_BYTES) {
      throw invalid("%s's %d ids make %d MiB of tags, more than the dealer takes in one request (%d MiB): align with --protocol dh",
          peers.me, tags.length / DealerPsi.TAG_BYTES, tags.length >> 20, MAX_TAG_BYTES >> 20);
    }
    IntersectRequest.Builder req = IntersectRequest.newBuilder().setSessionId(id).setParty(peers.me).addAllParties(parties)
        .setDeadlineUnixMs(deadline);
    if (tags != null) req.setTags(ByteString.copyFrom(tags));
    else req.setKey(ByteString.copyFrom(key)).setCount(count);
    IntersectReply r;
    try {
      r = DealerGrpc.newBlockingStub(peers.dealerChannel())
          .withDeadlineAfter(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)
          .withMaxInboundMessageSize(DealerPsi.MAX_REQUEST_BYTES + (64 << 10))
          .intersect(req.build());
    } catch (io.grpc.StatusRuntimeException e) {
      throw GrpcDealerLink.fromDealer(e, peers.dealer);
    }
    return new DealerPsi.Answer(r.getSizesList().stream().mapToLong(Long::longValue).toArray(), r.getValues().toByteArray());
  }

  /**
   * Tells the dealer this party gave up, so that the parties waiting there for its request (or for party 0's) fail now
   * rather than at the deadline. Best effort and asynchronous: the dealer may be unreachable, which is why we fail.
   */
  private void abortAtDealer(ByteString id, List<String> parties) {
    try {
      DealerGrpc.newStub(peers.dealerChannel()).withDeadlineAfter(5, TimeUnit.SECONDS).intersect(
          IntersectRequest.newBuilder().setSessionId(id).setParty(peers.me).addAllParties(parties).setAbort(true).build(),
          new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(IntersectReply r) {}

            @Override
            public void onError(Throwable t) {
              LOG.fine(() -> "the dealer did not take the alignment's abort: " + t);
            }

            @Override
            public void onCompleted() {}
          });
    } catch (RuntimeException e) {
      LOG.fine(() -> "the dealer did not take the alignment's abort: " + e);
    }
  }

  /** The private value of this party whose rows are aligned: one row per id. */
  private ValueInfo source(String name, int ids) {
    ValueInfo v = store.info(name);
    if (v == null) throw notFound("value '%s' not found on %s", name, peers.me);
    if (v.getKind() != Kind.PRIVATE || !v.getOwner().equals(peers.me)) {
      throw precondition("value '%s' is not a private value of %s: only a party's own rows can be aligned", name, peers.me);
    }
    long rowCount = v.getLength() / Math.max(1, v.getCols());
    if (rowCount != ids) throw invalid("value '%s' on %s has %d rows but %d ids were given", name, peers.me, rowCount, ids);
    return v;
  }

  /** What every party must have been asked to run: this alignment, by this protocol, among these parties in this order. */
  static byte[] agreement(ByteString id, List<String> parties, boolean dealerAssisted) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((dealerAssisted ? "smpc-align/dealer/v2" : "smpc-align/v1").getBytes(StandardCharsets.UTF_8));
      sha.update(id.toByteArray());
      for (String p : parties) sha.update((p + "\n").getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The transport, counting the bytes this party sends (the reply reports them). */
  private static final class Counting implements Transport {
    final Transport inner;
    final AtomicLong sent = new AtomicLong();

    Counting(Transport inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<Void> send(int to, String tag, byte[] payload) {
      sent.addAndGet(payload.length);
      return inner.send(to, tag, payload);
    }

    @Override
    public byte[] receive(int from, String tag) {
      return inner.receive(from, tag);
    }
  }
}
