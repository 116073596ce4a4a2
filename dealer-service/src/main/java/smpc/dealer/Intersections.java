package smpc.dealer;

import static smpc.core.Errors.deadline;
import static smpc.core.Errors.denied;
import static smpc.core.Errors.exhausted;
import static smpc.core.Errors.invalid;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.core.Failure;
import smpc.core.psi.DealerPsi;
import smpc.net.LogFormat;
import smpc.net.Statuses;
import smpc.proto.IntersectReply;
import smpc.proto.IntersectRequest;

/**
 * Dealer-assisted alignments (core {@link DealerPsi}) waiting for their parties: each party sends its own sorted
 * tags once; when the last one arrives every party gets the common tags and the sizes, and the dealer forgets
 * the tags. Tags are PRF values under a key only the parties know: the dealer learns sizes and overlaps, no id.
 */
final class Intersections {
  private static final Logger LOG = Logger.getLogger(Intersections.class.getName());
  private static final long MAX_WAIT_MS = 3_600_000;
  private static final int MAX_PARTIES = 64;
  /** Tags held for alignments still waiting, all together: a request beyond it is refused, not queued. */
  static final long MAX_HELD_BYTES = 512L << 20;
  /**
   * What one party may hold here at once — alignments waiting and their tags' bytes — so that no party can fill
   * the dealer for the others (with alignments of parties that will never come, say).
   */
  static final int MAX_ROUNDS_PER_PARTY = 16;
  static final long MAX_BYTES_PER_PARTY = MAX_HELD_BYTES / 4;
  /** Alignments answered recently: a late or repeated request for one is refused rather than waited on. */
  private static final int REMEMBERED = 4096;

  private static final class Round {
    final List<String> parties;
    final long deadline;
    final byte[][] tags;
    final List<StreamObserver<IntersectReply>> waiting = new java.util.ArrayList<>();
    int arrived;

    Round(List<String> parties, long deadline) {
      this.parties = parties;
      this.deadline = deadline;
      this.tags = new byte[parties.size()][];
    }
  }

  private final Map<ByteString, Round> rounds = new java.util.HashMap<>();
  private final Map<ByteString, Boolean> answered = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> e) {
      return size() > REMEMBERED;
    }
  };
  private long held;
  private final Map<String, long[]> byParty = new java.util.HashMap<>(); // party -> {rounds waiting, bytes held}

  /** Takes one party's tags (the caller's certificate checked by DealerService); answers everyone once all are in. */
  void offer(IntersectRequest req, StreamObserver<IntersectReply> resp) {
    ByteString id = req.getSessionId();
    List<String> parties = List.copyOf(req.getPartiesList());
    if (id.size() != 16) throw invalid("alignment id must have 16 bytes, got %d", id.size());
    if (parties.size() < 2 || parties.size() > MAX_PARTIES || new HashSet<>(parties).size() != parties.size()) {
      throw invalid("an alignment needs 2 to %d distinct parties, got %s", MAX_PARTIES, parties);
    }
    int me = parties.indexOf(req.getParty());
    if (me < 0) throw invalid("party '%s' is not in the alignment's parties %s", req.getParty(), parties);
    long now = System.currentTimeMillis();
    if (req.getDeadlineUnixMs() <= now || req.getDeadlineUnixMs() > now + MAX_WAIT_MS) {
      throw invalid("alignment deadline must be in the future and at most one hour away");
    }
    if (req.getTags().size() % DealerPsi.TAG_BYTES != 0) {
      throw invalid("party %s sent %d bytes, not whole tags of %d", req.getParty(), req.getTags().size(), DealerPsi.TAG_BYTES);
    }
    Round done;
    synchronized (this) {
      if (answered.containsKey(id)) throw denied("alignment %s already ended (answered or failed)", DealerService.shortId(id));
      Round r = rounds.get(id);
      if (r == null) {
        r = new Round(parties, req.getDeadlineUnixMs());
        rounds.put(id, r);
      }
      if (!r.parties.equals(parties)) {
        throw precondition("alignment disagreement: party %s names the parties %s, another party named %s", req.getParty(), parties, r.parties);
      }
      if (r.tags[me] != null) throw denied("party '%s' already sent its tags for alignment %s", req.getParty(), DealerService.shortId(id));
      long[] mine = byParty.computeIfAbsent(req.getParty(), k -> new long[2]);
      if (mine[0] >= MAX_ROUNDS_PER_PARTY || mine[1] + req.getTags().size() > MAX_BYTES_PER_PARTY) {
        if (r.arrived == 0) rounds.remove(id);
        throw exhausted("party %s already has %d alignments waiting at the dealer with %d MiB of tags (limit %d, %d MiB): try again when they end",
            req.getParty(), mine[0], mine[1] >> 20, MAX_ROUNDS_PER_PARTY, MAX_BYTES_PER_PARTY >> 20);
      }
      if (held + req.getTags().size() > MAX_HELD_BYTES) {
        if (r.arrived == 0) rounds.remove(id);
        throw exhausted("the dealer holds %d MiB of tags for waiting alignments; %s's %d MiB more would pass %d MiB: try again later",
            held >> 20, req.getParty(), req.getTags().size() >> 20, MAX_HELD_BYTES >> 20);
      }
      r.tags[me] = req.getTags().toByteArray();
      held += r.tags[me].length;
      mine[0]++;
      mine[1] += r.tags[me].length;
      r.waiting.add(resp);
      if (r.arrived == 0) LogFormat.event(LOG, Level.INFO, "alignment start", "session", DealerService.shortId(id), "parties", parties.size());
      if (++r.arrived < parties.size()) return;
      done = finish(id, r);
    }
    answer(id, done);
  }

  /** Fails the alignments whose deadline passed (the dealer's sweeper calls it every few seconds). */
  void expire(long now) {
    List<Map.Entry<ByteString, Round>> late = new java.util.ArrayList<>();
    synchronized (this) {
      for (Map.Entry<ByteString, Round> e : List.copyOf(rounds.entrySet())) {
        if (e.getValue().deadline < now) late.add(Map.entry(e.getKey(), finish(e.getKey(), e.getValue())));
      }
    }
    for (Map.Entry<ByteString, Round> e : late) {
      Round r = e.getValue();
      List<String> missing = new java.util.ArrayList<>();
      for (int i = 0; i < r.parties.size(); i++) if (r.tags[i] == null) missing.add(r.parties.get(i));
      fail(e.getKey(), r, deadline("alignment %s: %s did not send its ids' tags to the dealer in time", DealerService.shortId(e.getKey()), missing));
    }
  }

  private Round finish(ByteString id, Round r) {
    rounds.remove(id);
    answered.put(id, true);
    for (int i = 0; i < r.tags.length; i++) {
      if (r.tags[i] == null) continue;
      held -= r.tags[i].length;
      long[] of = byParty.get(r.parties.get(i));
      of[0]--;
      of[1] -= r.tags[i].length;
      if (of[0] == 0) byParty.remove(r.parties.get(i));
    }
    return r;
  }

  private static void answer(ByteString id, Round r) {
    IntersectReply reply;
    try {
      byte[] common = DealerPsi.intersect(java.util.Arrays.asList(r.tags), r.parties);
      IntersectReply.Builder b = IntersectReply.newBuilder().setCommon(ByteString.copyFrom(common));
      for (byte[] t : r.tags) b.addSizes(t.length / DealerPsi.TAG_BYTES);
      reply = b.build();
      LogFormat.event(LOG, Level.INFO, "alignment end", "session", DealerService.shortId(id), "parties", r.parties.size(), "common",
          common.length / DealerPsi.TAG_BYTES);
    } catch (Failure f) {
      fail(id, r, f);
      return;
    }
    for (StreamObserver<IntersectReply> w : r.waiting) {
      try {
        w.onNext(reply);
        w.onCompleted();
      } catch (RuntimeException gone) { // that party cancelled its call: the others still get their answer
        LOG.fine(() -> "an alignment's caller went away: " + gone);
      }
    }
  }

  private static void fail(ByteString id, Round r, Failure f) {
    LogFormat.event(LOG, Level.INFO, "alignment failed", "session", DealerService.shortId(id), "parties", r.parties.size(), "error", f.getMessage());
    for (StreamObserver<IntersectReply> w : r.waiting) {
      try {
        w.onError(Statuses.status(f));
      } catch (RuntimeException gone) {
        LOG.fine(() -> "an alignment's caller went away: " + gone);
      }
    }
  }

}
