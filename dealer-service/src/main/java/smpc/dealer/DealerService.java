package smpc.dealer;

import smpc.net.Statuses;
import smpc.core.Failure;
import static smpc.core.Errors.denied;
import static smpc.core.Errors.invalid;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import smpc.net.Version;
import smpc.net.Chunks;
import smpc.core.protocol.ExpiringIds;
import smpc.core.protocol.Limits;
import smpc.core.protocol.Material;
import smpc.core.protocol.MatrixSchedule;
import smpc.core.protocol.SessionSeeds;
import smpc.core.protocol.Streams;
import smpc.core.protocol.TruncSchedule;
import smpc.core.ring.Packing;
import smpc.core.ring.Prg;
import smpc.proto.CorrectionsChunk;
import smpc.proto.CorrectionsRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.IntersectReply;
import smpc.proto.IntersectRequest;
import smpc.proto.ReleaseReply;
import smpc.proto.ReleaseRequest;
import smpc.proto.SeedKeyReply;
import smpc.proto.SeedKeyRequest;
import smpc.proto.StatusReply;
import smpc.proto.StatusRequest;

/**
 * The dealer. It gives each party keys of its own, from which both derive the party's seed of each session
 * ({@link SeedKeys}); it never sees inputs, shares or results. The designated party (index 0) of a session names
 * every party's key and receives, once per kind of {@link Material} its plan uses, the corrections that complete
 * its shares:
 * {@link Material#correctionWords} ring elements per item (8 bytes per triple, 24 per compared element, ...)
 * whatever the number of parties.
 */
final class DealerService extends DealerGrpc.DealerImplBase {
  private static final Logger LOG = Logger.getLogger(DealerService.class.getName());
  private static final long MAX_SESSION_MS = 3_600_000;
  private static final int MAX_PARTIES = 64;
  /** Sessions with corrections still to hand out: at most this many per designated party. */
  static final int MAX_SESSIONS_PER_PARTY = 50_000;
  /**
   * Sessions that handed out all they announced are kept past their deadlines as their context alone (44 bytes a slot
   * of {@link #spent}, at most half of them used, where a whole session took about 600): at most this many per designated
   * party, checked as a session opens (so the sessions open then may finish past it). Kept whole and counted with the
   * others, they stopped one client's W1 after 50,000 sessions in 3 minutes (each kept 11 minutes: its 60 s deadline and
   * {@link #KEPT_AFTER_MS}), a cap of 76 small sessions a second; this one is 750 a second for 1-minute deadlines, in
   * 2^20 slots (46 MB) up to 524,288 contexts, twice that past them.
   */
  static final int MAX_SPENT_PER_PARTY = 500_000;
  /** How long a session is kept after its deadline: a clock set back a little must not let its context open again. */
  static final long KEPT_AFTER_MS = 600_000;
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> perParty = new ConcurrentHashMap<>();
  /** Each designated party's tag in {@link #spent}, which counts its contexts there. */
  private final Map<String, Integer> tags = new java.util.HashMap<>();

  /**
   * handedOut[k]: corrections of the k-th Material were handed out; kinds[0] the kinds announced (-1 once released),
   * kinds[1] 1 once its end was logged. {@code own} is the dealer's own seed (the
   * secret bits of daBits), never sent. A session is kept until past its deadline, so that its corrections go out
   * once: the parties' seeds are derived, and a request made again would meet the same ones. Once done, only its
   * context is kept ({@link #spent}), which is all a request made again needs to be refused.
   */
  private record Session(ByteString id, ByteString context, List<String> parties, byte[][] seeds, byte[] own,
      boolean[] handedOut, long deadline, int[] kinds) {
    /** Marks a kind handed out; false when it already was. */
    synchronized boolean handOut(int slot) {
      if (handedOut[slot]) return false;
      handedOut[slot] = true;
      return true;
    }

    /** Every kind of corrections the designated party announced went out (or it released the session): nothing is left. */
    synchronized boolean done() {
      if (kinds[0] < 0) return true;
      if (kinds[0] == 0) return false;
      int given = 0;
      for (boolean h : handedOut) if (h) given++;
      return given >= kinds[0];
    }

    /** Ends the session early (a Release): kept until its deadline, nothing more handed out. */
    synchronized void release() {
      kinds[0] = -1;
    }

    /** True the first time only: the session's end is logged once. */
    synchronized boolean end() {
      if (kinds[1] != 0) return false;
      kinds[1] = 1;
      return true;
    }
  }

  /**
   * Logs a session's end once it is done, and keeps only its context until the deadline (refusing it again; chunks still
   * being made hold the session itself). The context is among the spent ones before the session leaves: an open of it
   * meanwhile finds one or the other.
   */
  private void forgetIfDone(Session s, String why) {
    if (!s.done() || !s.end()) return;
    ended(s, why);
    String designated = s.parties().get(0);
    spent.put(s.context(), s.deadline() + KEPT_AFTER_MS, tag(designated)); // counted with the entry, under one lock
    if (sessions.remove(s.context(), s)) removed(s);
  }

  /** A session left {@link #sessions}: its designated party's count and the index by id follow. */
  private void removed(Session s) {
    perParty.get(s.parties().get(0)).decrementAndGet();
    byId.computeIfPresent(s.id(), (id, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  /** The tag that counts a designated party's spent contexts: one per party that was ever designated (each has a seed key). */
  private int tag(String designated) {
    synchronized (tags) {
      return tags.computeIfAbsent(designated, p -> tags.size());
    }
  }

  private static java.util.concurrent.atomic.AtomicInteger counter(Map<String, java.util.concurrent.atomic.AtomicInteger> m, String party) {
    return m.computeIfAbsent(party, p -> new java.util.concurrent.atomic.AtomicInteger());
  }

  /** What an open of a spent context returns: done, so every request of it is refused as already handed out. */
  private static final Session SPENT = new Session(ByteString.EMPTY, ByteString.EMPTY, List.of(), new byte[0][], new byte[0],
      new boolean[0], 0, new int[] {-1, 1});

  /** The session id as the parties log it: its first 4 bytes in hex. */
  static String shortId(ByteString id) {
    return java.util.HexFormat.of().formatHex(id.toByteArray(), 0, Math.min(4, id.size()));
  }

  private static void ended(Session s, String why) {
    smpc.net.LogFormat.event(LOG, java.util.logging.Level.INFO, "session end", "session", shortId(s.id()), "parties", s.parties().size(), "reason", why);
  }

  /** Items one after the other, each its components in order; a one-component kind goes as it is. */
  private static long[] interleave(long[][] parts) {
    if (parts.length == 1) return parts[0];
    int n = parts[0].length;
    long[] out = new long[n * parts.length];
    for (int k = 0; k < n; k++) for (int j = 0; j < parts.length; j++) out[k * parts.length + j] = parts[j][k];
    return out;
  }

  private final Map<ByteString, Session> sessions = new ConcurrentHashMap<>();
  /** The sessions by id (a Release names only the id): a Release scanned every session, 18 ms each at 50,000 of them. */
  private final Map<ByteString, java.util.Set<Session>> byId = new ConcurrentHashMap<>();
  /**
   * Corrections downloads open per designated party: each may hold {@code Grpc.QUEUED} bytes queued for a reader that
   * does not read, and 3,000 such streams of one party once filled the dealer's memory and stalled everyone's sessions.
   */
  static final int MAX_DOWNLOADS_PER_PARTY = 64;
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> downloads = new ConcurrentHashMap<>();
  /**
   * The contexts of sessions that handed out everything, each until past its deadline, counted per designated party: flat
   * arrays, since objects kept 11 minutes each are what slowed a warm dealer's young collections (ExpiringIds).
   */
  private final ExpiringIds spent = new ExpiringIds(SessionSeeds.CONTEXT_BYTES);
  private final Intersections intersections = new Intersections();
  private final SeedKeys keys = new SeedKeys();
  /** Corrections up to this many longs (64 KiB) are computed on the transport thread: no hand-off for small sessions. */
  private static final long SMALL_LONGS = 8192;
  /**
   * Where corrections and alignments are computed: handlers run on the transport threads, which must stay free for
   * seeds; each party's work in a lane of its own, so that one party's requests cannot take every thread.
   */
  private final PartyLanes lanes;
  private final AtomicLong bytesSent = new AtomicLong();

  /** At most this many sessions kept whole, and spent, per designated party (the constants but in tests). */
  private final int maxSessionsPerParty, maxSpentPerParty;

  DealerService(java.util.concurrent.Executor compute) {
    this(compute, MAX_SESSIONS_PER_PARTY, MAX_SPENT_PER_PARTY);
  }

  DealerService(java.util.concurrent.Executor compute, int maxSessionsPerParty, int maxSpentPerParty) {
    this.lanes = new PartyLanes(compute);
    this.maxSessionsPerParty = maxSessionsPerParty;
    this.maxSpentPerParty = maxSpentPerParty;
  }

  @Override
  public void seedKey(SeedKeyRequest req, StreamObserver<SeedKeyReply> resp) {
    try {
      ownMaterial(req.getParty());
      SeedKeyReply reply = keys.issue(req.getParty());
      resp.onNext(reply);
      resp.onCompleted();
    } catch (StatusRuntimeException | Failure e) {
      resp.onError(Statuses.status(e));
    }
  }

  /**
   * The session's state, created by the designated party's first request of its context (id, deadline, parties and
   * key ids: {@link SessionSeeds#context}), which derives every party's seed. Another context is another session,
   * with seeds no honest party of this one uses (a guess of a peer's key that proved outdated makes one).
   */
  private Session open(ByteString id, List<String> parties, List<ByteString> keyIds, long deadline) {
    sessionId(id);
    if (parties.size() < 2 || parties.size() > MAX_PARTIES || new HashSet<>(parties).size() != parties.size()) {
      throw invalid("a session needs 2 to %d distinct parties, got %s", MAX_PARTIES, parties);
    }
    long now = System.currentTimeMillis();
    if (deadline <= now || deadline > now + MAX_SESSION_MS) {
      throw invalid("session deadline must be in the future and at most one hour away");
    }
    if (keyIds.size() != parties.size()) throw invalid("name one seed key per party: %d key ids for %d parties", keyIds.size(), parties.size());
    byte[] context = SessionSeeds.context(id, deadline, parties, keyIds);
    String designated = parties.get(0);
    Session s = sessions.computeIfAbsent(ByteString.copyFrom(context), ctx -> {
      if (spent.contains(ctx)) return null; // it ran: refused as handed out, never opened again before its deadline
      byte[][] seeds = keys.seeds(parties, keyIds, context); // first: an unknown key id refuses it before anything is counted
      // per designated party: one that opens sessions without end fills its own share, not everyone's (the finished
      // ones' cap is checked here, so up to the sessions open may still finish past it)
      if (spent.count(tag(designated)) >= maxSpentPerParty) {
        throw smpc.core.Errors.exhausted("party %s has %d finished sessions at the dealer until their deadlines: try again later",
            designated, maxSpentPerParty);
      }
      java.util.concurrent.atomic.AtomicInteger mine = counter(perParty, designated);
      if (mine.incrementAndGet() > maxSessionsPerParty) {
        mine.decrementAndGet();
        throw smpc.core.Errors.exhausted("party %s has %d sessions at the dealer until their deadlines: try again later", designated,
            maxSessionsPerParty);
      }
      smpc.net.LogFormat.event(LOG, java.util.logging.Level.INFO, "session start", "session", shortId(id), "parties", parties.size(),
          "requester", smpc.net.Tls.caller());
      Session made = new Session(id, ctx, List.copyOf(parties), seeds, Prg.freshSeed(), new boolean[Material.values().length], deadline, new int[2]);
      byId.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(made);
      return made;
    });
    return s != null ? s : SPENT;
  }

  @Override
  public void corrections(CorrectionsRequest req, StreamObserver<CorrectionsChunk> resp) {
    try {
      ownMaterial(req.getParty());
      if (req.getPartiesCount() == 0 || !req.getParties(0).equals(req.getParty())) {
        throw denied("only the designated party (the first of the session's parties) receives corrections, not '%s'", req.getParty());
      }
      if (req.getStart() < 0 || req.getCount() < 1 || req.getCount() > Limits.MAX_VECTOR || req.getStart() > Limits.MAX_VECTOR - req.getCount()) {
        throw invalid("corrections range [%d, +%d) out of bounds", req.getStart(), req.getCount());
      }
      Material kind = Material.of(req.getMaterial());
      if (kind == null) throw invalid("unknown kind of dealer material %d", req.getMaterial());
      TruncSchedule schedule = kind == Material.TRUNC_PAIR ? TruncSchedule.of(req.getTruncRunsList(), req.getFracBits()) : null;
      MatrixSchedule matrices = kind == Material.MATRIX_TRIPLE ? MatrixSchedule.of(req.getMatShapesList()) : null;
      if (req.getKinds() < 0 || req.getKinds() > Material.values().length) throw invalid("kinds %d out of range", req.getKinds());
      // counted before the kind is marked handed out: a refusal here leaves the session's material to a retry
      Runnable release = reserveDownload(req.getParty());
      try {
        Session s = open(req.getSessionId(), req.getPartiesList(), req.getKeyIdsList(), req.getDeadlineUnixMs()); // a valid request only
        // once per session and kind, like a seed: a second request means someone else asked
        if (s.done() || !s.handOut(kind.ordinal())) throw denied("the corrections of %s for this session were already handed out", kind.noun);
        if (req.getKinds() > 0) {
          synchronized (s) {
            if (s.kinds()[0] >= 0) s.kinds()[0] = req.getKinds();
          }
        }
        int per = kind.correctionWords;
        int perChunk = kind.itemsPerChunk(); // the party maps items to chunks alike (CorrectionsWindow)
        long count = req.getCount();
        // a session's few items are made at once on the transport thread; many on the compute pool, chunk by chunk, in the
        // designated party's lane; a matrix triple always there (one item is a whole product: 2048^3 held a thread 40 s)
        boolean small = count * per <= SMALL_LONGS && kind != Material.MATRIX_TRIPLE;
        Chunks.Download<CorrectionsChunk> download = Chunks.download(resp, small ? Runnable::run : lanes.of(req.getParty()));
        var call = (io.grpc.stub.ServerCallStreamObserver<CorrectionsChunk>) resp;
        call.setOnCloseHandler(release);
        call.setOnCancelHandler(release); // replaces Chunks' own, a no-op too
        download.start(Chunks.count(count, perChunk), k -> {
          long from = req.getStart() + (long) k * perChunk;
          int n = (int) Math.min(perChunk, count - (long) k * perChunk);
          long[] out = interleave(Streams.corrections(kind, s.seeds(), s.own(), schedule, matrices, from, n));
          byte[] chunk = Packing.toBytes(out);
          bytesSent.addAndGet(chunk.length);
          return CorrectionsChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk)).build();
        });
        forgetIfDone(s, "material handed out");
      } catch (RuntimeException e) {
        release.run();
        throw e;
      }
    } catch (StatusRuntimeException | Failure e) {
      resp.onError(Statuses.status(e));
    }
  }

  /**
   * Counts a corrections download of {@code party}, refused beyond {@link #MAX_DOWNLOADS_PER_PARTY} (each session opens
   * one per kind it uses, and an honest party's sessions read theirs); the returned action, run at the call's close or
   * cancellation (once, whichever comes), gives the place back.
   */
  private Runnable reserveDownload(String party) {
    java.util.concurrent.atomic.AtomicInteger open = counter(downloads, party);
    if (open.incrementAndGet() > MAX_DOWNLOADS_PER_PARTY) {
      open.decrementAndGet();
      throw smpc.core.Errors.exhausted("party %s has %d corrections downloads open at the dealer: try again later", party,
          MAX_DOWNLOADS_PER_PARTY);
    }
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) open.decrementAndGet();
    };
  }

  /** With TLS, a party receives only its own material: the caller's certificate must name req's party. */
  @Override
  public void intersect(IntersectRequest req, StreamObserver<IntersectReply> resp) {
    try {
      smpc.net.Tls.require(smpc.net.Tls.PARTY.equals(smpc.net.Tls.callerRole()) && req.getParty().equals(smpc.net.Tls.caller()),
          "send the alignment requests of party '%s' (only that party may)", req.getParty());
    } catch (StatusRuntimeException e) {
      resp.onError(e);
      return;
    }
    lanes.of(req.getParty()).execute(() -> { // the last party's request computes the PRF of every tag under every key: off the transport thread
      try {
        intersections.offer(req, resp);
      } catch (StatusRuntimeException | Failure e) {
        resp.onError(Statuses.status(e));
      }
    });
  }

  private static void ownMaterial(String party) {
    smpc.net.Tls.require(smpc.net.Tls.PARTY.equals(smpc.net.Tls.callerRole()) && party.equals(smpc.net.Tls.caller()),
        "receive the dealer material of party '%s' (only that party may)", party);
  }

  @Override
  public void release(ReleaseRequest req, StreamObserver<ReleaseReply> resp) {
    try {
      ownMaterial(req.getParty());
    } catch (StatusRuntimeException | Failure e) {
      resp.onError(Statuses.status(e));
      return;
    }
    // the session under every context its designated party asked with
    List<Session> found = List.copyOf(byId.getOrDefault(req.getSessionId(), java.util.Set.of()));
    for (Session s : found) {
      if (!s.parties().get(0).equals(req.getParty())) {
        resp.onError(Statuses.status(denied("only the designated party '%s' may release the session", s.parties().get(0))));
        return;
      }
    }
    for (Session s : found) {
      s.release();
      forgetIfDone(s, "released");
    }
    resp.onNext(ReleaseReply.getDefaultInstance());
    resp.onCompleted();
  }

  @Override
  public void status(StatusRequest req, StreamObserver<StatusReply> resp) {
    resp.onNext(StatusReply.newBuilder().setRole("dealer").setName("dealer").setVersion(Version.VERSION)
        .setActiveSessions(sessions.size()).setBytesSent(bytesSent.get()) // a done session leaves the map (forgetIfDone): no scan
        .setRssBytes(smpc.net.ProcessMemory.rssBytes()).setHeapLiveBytes(smpc.net.ProcessMemory.heapLiveBytes()).build());
    resp.onCompleted();
  }

  /** Drops sessions some minutes past their deadline (every party refuses them by then); called periodically. */
  void expire() {
    expire(System.currentTimeMillis());
  }

  /** As {@link #expire()}, at the given time (tests). */
  void expire(long now) {
    intersections.expire(now);
    int before = sessions.size();
    // counted down only by whoever removes the entry: a session may finish (and move to the spent) meanwhile
    for (var e : sessions.entrySet()) {
      Session s = e.getValue();
      if (s.deadline() + KEPT_AFTER_MS < now && sessions.remove(e.getKey(), s)) removed(s);
    }
    spent.expire(now);
    int dropped = before - sessions.size();
    if (dropped > 0) LOG.fine(() -> "expired " + dropped + " dealer sessions");
  }

  private static ByteString sessionId(ByteString id) {
    if (id.size() != 16) throw invalid("session id must have 16 bytes, got %d", id.size());
    return id;
  }
}
