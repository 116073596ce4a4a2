package smpc.sdk;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import smpc.proto.AbortRequest;
import smpc.proto.AlignReply;
import smpc.proto.AlignRequest;
import smpc.proto.PartyGrpc;

/**
 * Private row alignment (docs/protocols.md "Private row alignment"): each party is sent its own ids as its own
 * client; the parties match them by private set intersection ({@link Protocol}), and each keeps its rows of the
 * intersection, in one order common to all, as its private value.
 */
public final class Alignment {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** What one request may carry: gRPC's default limit on a message, less room for the rest of it. */
  static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024 - 64 * 1024;

  /**
   * What the alignment told this client.
   *
   * @param sizes every party's number of ids, in the alignment's order
   * @param rows each party's rows (0-based, into the ids it was given) of the intersection, in the common order
   * @param bytesSent what each party sent its peers
   */
  public record Result(Map<String, Long> sizes, Map<String, int[]> rows, Map<String, Long> bytesSent) {
    /** The number of common ids: the aligned values' rows. */
    public int size() {
      return rows.values().iterator().next().length;
    }
  }

  /** One party's part: its ids, and its private value with a row per id, which the alignment replaces by its aligned rows. */
  public record Part(List<String> ids, String value) {}

  private final Connection conn;
  private final Runnable changed;

  Alignment(Connection conn, Runnable changed) {
    this.conn = conn;
    this.changed = changed;
  }

  /** How the parties intersect their ids (docs/protocols.md "Private row alignment"). */
  public enum Protocol {
    /** Diffie-Hellman PSI among the parties: trusts no one; ~0.1 ms of curve work per id; with 3+ parties each sees partial overlaps' sizes. */
    DH,
    /**
     * The dealer as an oblivious PRF (Kolesnikov et al.'s multi-party PSI): hashes and small polynomials, no curve; nobody sees
     * partial overlaps, the dealer sees the sizes only; the ids stay private while the dealer does not collude with a party.
     */
    DEALER;

    /**
     * The default: the dealer's protocol — seconds for 10^5 ids where DH takes tens, and no partial overlaps with three or
     * more parties — on the dealer's non-collusion, which the triples already assume; DH where even that is too much.
     */
    public static final Protocol DEFAULT = DEALER;
  }

  /** Aligns the parts with the {@link Protocol#DEFAULT} protocol, as {@link #run(Map, Protocol)}. */
  public Result run(Map<String, Part> parts) {
    return run(parts, Protocol.DEFAULT);
  }

  /** Aligns the parts (at least two parties, in ring order): each party's value is replaced by its rows of the intersection. */
  public Result run(Map<String, Part> parts, Protocol protocol) {
    if (parts.size() < 2) throw SmpcException.usage("an alignment needs the ids of at least 2 parties, got %d", parts.size());
    byte[] sid = new byte[16];
    RANDOM.nextBytes(sid);
    List<String> parties = List.copyOf(parts.keySet());
    Map<String, AlignRequest> requests = new LinkedHashMap<>();
    parts.forEach((p, part) -> {
      conn.address(p); // an unknown party is a usage error before anything is sent
      check(p, part.ids());
      AlignRequest r = AlignRequest.newBuilder().setSessionId(ByteString.copyFrom(sid)).addAllParties(parties).addAllIds(part.ids())
          .setRows(part.value()).setName(part.value()).setTimeoutMs(conn.timeout.toMillis())
          .setProtocol(protocol.name().toLowerCase(java.util.Locale.ROOT)).build();
      if (r.getSerializedSize() > MAX_REQUEST_BYTES) {
        throw SmpcException.usage("%s's %d ids take %d bytes, more than one request carries (%d)", p, part.ids().size(), r.getSerializedSize(),
            MAX_REQUEST_BYTES);
      }
      requests.put(p, r);
    });
    Map<String, CompletableFuture<AlignReply>> calls = new LinkedHashMap<>();
    CompletableFuture<Void> firstFailure = new CompletableFuture<>();
    for (String p : parties) {
      CompletableFuture<AlignReply> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> { if (e != null) firstFailure.complete(null); });
      calls.put(p, f);
      PartyGrpc.newStub(conn.channel(p)).withDeadlineAfter(conn.timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)
          .align(requests.get(p), observer(f));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new));
    try {
      CompletableFuture.anyOf(all, firstFailure).exceptionally(e -> null).join();
      if (calls.values().stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
        for (String p : parties) abort(p, ByteString.copyFrom(sid));
        all.exceptionally(e -> null).completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
        throw cause(calls);
      }
    } finally {
      changed.run();
    }
    Map<String, Long> sizes = new LinkedHashMap<>();
    Map<String, int[]> rows = new LinkedHashMap<>();
    Map<String, Long> sent = new LinkedHashMap<>();
    for (String p : parties) {
      AlignReply r = calls.get(p).join();
      if (sizes.isEmpty()) for (int i = 0; i < parties.size(); i++) sizes.put(parties.get(i), r.getSizes(i));
      rows.put(p, r.getRowsList().stream().mapToInt(Integer::intValue).toArray());
      sent.put(p, r.getBytesSent());
    }
    return new Result(sizes, rows, sent);
  }

  /** The ids this client sends its own party: some, and each once (it reads its own file: naming an id here is fine). */
  static void check(String party, List<String> ids) {
    if (ids.isEmpty()) throw SmpcException.usage("%s has no ids to align", party);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i).isEmpty()) throw SmpcException.usage("%s's id in row %d is empty", party, i + 1);
      Integer before = seen.putIfAbsent(ids.get(i), i);
      if (before != null) throw SmpcException.usage("%s's id '%s' is in rows %d and %d: ids must be unique", party, ids.get(i), before + 1, i + 1);
    }
  }

  /** A refusal or a party's own failure, before a peer's "aborted" or a timeout that followed from it. */
  private SmpcException cause(Map<String, CompletableFuture<AlignReply>> calls) {
    SmpcException best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Map.Entry<String, CompletableFuture<AlignReply>> e : calls.entrySet()) {
      if (!e.getValue().isCompletedExceptionally()) continue;
      Throwable t = e.getValue().handle((r, x) -> x).join();
      Status.Code code = smpc.net.Statuses.code(t);
      int rank = code == Status.Code.UNAVAILABLE ? 0 : SmpcException.isUsage(code) || code == Status.Code.PERMISSION_DENIED ? 1
          : code == Status.Code.ABORTED || code == Status.Code.DEADLINE_EXCEEDED ? 3 : 2;
      if (rank < bestRank) {
        bestRank = rank;
        best = SmpcException.from(t, conn.where(e.getKey()));
      }
    }
    return best != null ? best : SmpcException.failure("alignment failed for an unknown reason");
  }

  private void abort(String party, ByteString sid) {
    try {
      PartyGrpc.newBlockingStub(conn.channel(party)).withDeadlineAfter(2, TimeUnit.SECONDS)
          .abort(AbortRequest.newBuilder().setSessionId(sid).setReason("a party failed").build());
    } catch (StatusRuntimeException ignored) {
      // an unreachable party is the likely cause of the failure itself
    }
  }

  private static StreamObserver<AlignReply> observer(CompletableFuture<AlignReply> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(AlignReply r) {
        f.complete(r);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!f.isDone()) f.completeExceptionally(Status.INTERNAL.withDescription("no reply").asRuntimeException());
      }
    };
  }
}
