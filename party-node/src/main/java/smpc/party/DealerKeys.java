package smpc.party;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.core.protocol.SessionSeeds;
import smpc.proto.DealerGrpc;
import smpc.proto.SeedKeyReply;
import smpc.proto.SeedKeyRequest;

/**
 * This party's seed key from the dealer, from which both derive its seed of each session ({@link SessionSeeds}),
 * and the key ids its peers last announced in their agreement messages. With them the designated party asks the
 * dealer for its corrections as the session starts, naming every party's key, instead of after the agreement; a
 * guess that proves outdated costs that session one more request ({@link GrpcDealerLink#confirm}).
 *
 * <p>The key is fetched as the party starts ({@link ConnectAhead}; else by the first session that needs one), and
 * again, in the background, after a session failed past its agreement on it (the dealer may have restarted and lost
 * it), or when a session past its agreement on it is aborted, running or ended (it failed elsewhere, perhaps at the
 * dealer). It lives in memory only: a restarted party fetches a new one, so a session id it ran before its restart derives another seed.
 */
final class DealerKeys {
  private static final Logger LOG = Logger.getLogger(DealerKeys.class.getName());
  static final long REFRESH_MS = 1_000;
  /** How long a session waits for a key fetched for it. */
  static final long FETCH_MS = 10_000;

  record Key(ByteString id, byte[] key, long fetched) {}

  private final Peers peers;
  private volatile Key current;
  private volatile boolean refreshing;
  private final Object first = new Object(); // held while the first key is fetched (see current)
  private final Map<String, ByteString> announced = new ConcurrentHashMap<>();
  /**
   * The key each of the last {@link #ENDED} sessions that ran here named: a coordinator aborts a session that ended
   * here when it failed elsewhere (at the dealer, for a key it lost), and this party's key is then as suspect.
   */
  private final Map<ByteString, ByteString> endedWith = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, ByteString> eldest) {
      return size() > ENDED;
    }
  });
  private static final int ENDED = 256;

  DealerKeys(Peers peers) {
    this.peers = peers;
  }

  /** The current key: fetched now when there is none yet, or the new one when a refresh is under way. */
  Key current(Session s) {
    // the flag before the key: read the other way round, a refresh ending between the two reads left the old key
    // (read first) looking current (the flag read after), and the session named a key the dealer had lost
    if (!refreshing) {
      Key k = current;
      if (k != null) return k;
    }
    synchronized (this) {
      long until = s.deadline;
      while (refreshing && System.currentTimeMillis() < until) { // a session that starts after a failure uses the new key
        try {
          wait(Math.max(1, until - System.currentTimeMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw smpc.core.Errors.unavailable("interrupted while fetching the dealer key");
        }
      }
      if (current != null) return current;
    }
    // the first key: one fetch for every session waiting, under a lock of its own. Never under this object's, which
    // refresh takes: an Abort's refresh waited for the fetch (up to 10 s), on a network thread when Aborts ran there
    synchronized (first) {
      if (current != null) return current;
      try {
        long wait = Math.min(FETCH_MS, Math.max(1, s.deadline - System.currentTimeMillis())); // well below a session's hour
        Key k = key(DealerGrpc.newBlockingStub(peers.dealerChannel()).withDeadlineAfter(wait, TimeUnit.MILLISECONDS).seedKey(request()));
        synchronized (this) {
          // a refresh's key, if one came meanwhile, is kept: both are keys the dealer held a moment ago (it keeps 32)
          if (current == null) current = k;
          return current;
        }
      } catch (StatusRuntimeException e) {
        throw GrpcDealerLink.fromDealer(e, peers.dealer);
      }
    }
  }

  /**
   * Session {@code session} ran here on key {@code used} (see {@link #afterAbort}); only sessions that ran, so that
   * refused ones cannot push out an honest session's entry.
   */
  void named(ByteString session, Key used) {
    if (used != null) endedWith.put(session, used.id());
  }

  /**
   * A session that ended here was aborted (it failed elsewhere): a new key as after a failure of its own, or, when
   * it is no longer known which key it named, unless the current one is younger than {@link #REFRESH_MS}.
   */
  void afterAbort(ByteString session) {
    ByteString used = endedWith.get(session);
    refresh(60_000, used);
  }

  /**
   * After a session that named key {@code used} failed past its agreement: a new key unless the current one is
   * another (fetched since). Not by age: a session may fail on a key fetched a moment before the dealer restarted, and
   * a key kept for being young failed the next session too. One failed session, one fetch at most.
   */
  void refreshAfter(ByteString used) {
    refresh(60_000, java.util.Objects.requireNonNull(used));
  }

  /** The same, the dealer given {@code timeoutMs} to answer (sessions that start meanwhile wait for it). */
  synchronized void refresh(long timeoutMs) {
    refresh(timeoutMs, null);
  }

  private synchronized void refresh(long timeoutMs, ByteString used) {
    Key k = current;
    boolean fresh = k != null && (used != null ? !k.id().equals(used) : System.currentTimeMillis() - k.fetched() < REFRESH_MS);
    if (refreshing || fresh) return;
    refreshing = true; // now: the next session waits for the new key
    // on a thread of its own, outside the caller's gRPC context: that context (a failed session's call, an Abort) is
    // cancelled as soon as its call ends, and with it a fetch started under it, which then never replaced the key the
    // dealer no longer holds; and reviving the dealer's channel may wait, which a network thread must not
    FETCHER.execute(() -> fetch(timeoutMs));
  }

  private static final java.util.concurrent.Executor FETCHER =
      java.util.concurrent.Executors.newSingleThreadExecutor(smpc.net.Grpc.daemonThreads("dealer-key"));

  private void fetch(long timeoutMs) {
    io.grpc.Channel channel;
    try {
      channel = peers.dealerChannel();
    } catch (RuntimeException e) { // else the sessions waiting for this fetch would wait until their deadlines
      done();
      LOG.log(Level.WARNING, "seed key refresh failed", e);
      return;
    }
    DealerGrpc.newStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).seedKey(request(), new StreamObserver<>() {
      @Override
      public void onNext(SeedKeyReply r) {
        try {
          current = key(r);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "dealer sent a malformed seed key", e);
        }
      }

      @Override
      public void onError(Throwable t) {
        done();
        LOG.log(Level.WARNING, "seed key refresh failed", t); // the next failed session tries again
      }

      @Override
      public void onCompleted() {
        done();
      }
    });
  }

  private synchronized void done() {
    refreshing = false;
    notifyAll();
  }

  private SeedKeyRequest request() {
    return SeedKeyRequest.newBuilder().setParty(peers.me).build();
  }

  private static Key key(SeedKeyReply r) {
    if (r.getKeyId().size() != SessionSeeds.KEY_ID_BYTES || r.getKey().size() != SessionSeeds.KEY_BYTES) {
      throw smpc.core.Errors.unavailable("the dealer sent a malformed seed key");
    }
    return new Key(r.getKeyId(), r.getKey().toByteArray(), System.currentTimeMillis());
  }

  /** Every party's key id as this party last learnt it ({@code mine} at {@code me}); null when a peer's is unknown yet. */
  List<ByteString> guess(List<String> parties, int me, ByteString mine) {
    List<ByteString> out = new ArrayList<>();
    for (int j = 0; j < parties.size(); j++) {
      ByteString id = j == me ? mine : announced.get(parties.get(j));
      if (id == null) return null;
      out.add(id);
    }
    return out;
  }

  /** Remembers the key ids the parties announced in a session's agreement. */
  void learn(List<String> parties, List<ByteString> ids) {
    for (int j = 0; j < ids.size(); j++) if (!parties.get(j).equals(peers.me)) announced.put(parties.get(j), ids.get(j));
  }
}
