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
 * Dealer-assisted alignments (core {@link DealerPsi}) waiting for their parties: the first party sends its ids'
 * tags once, every other party its PRF key and number of ids; when the last one arrives the first party gets the
 * PRF of each of its tags under each key, everyone the sizes, and the dealer forgets it all. Tags are PRF values
 * under a key only the parties know, and the dealer sees no other party's tags: it learns the sizes, no id, no overlap.
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
  /**
   * Alignments ended recently: a late or repeated request for one is refused rather than waited on — with the reason
   * when a party gave it up (the value), else as already ended (an empty value).
   */
  private static final int REMEMBERED = 4096;

  private static final class Round {
    final List<String> parties;
    final long deadline;
    final byte[][] tags;
    final byte[][] keys;
    final long[] counts;
    final StreamObserver<IntersectReply>[] waiting;
    int arrived;

    Round(List<String> parties, long deadline) {
      this.parties = parties;
      this.deadline = deadline;
      this.tags = new byte[parties.size()][];
      this.keys = new byte[parties.size()][];
      this.counts = new long[parties.size()];
      @SuppressWarnings("unchecked")
      StreamObserver<IntersectReply>[] w = new StreamObserver[parties.size()];
      this.waiting = w;
    }
  }

  private final Map<ByteString, Round> rounds = new java.util.HashMap<>();
  private final Map<ByteString, String> answered = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, String> e) {
      return size() > REMEMBERED;
    }
  };
  private long held;
  private final Map<String, long[]> byParty = new java.util.HashMap<>(); // party -> {rounds waiting, bytes held}

  /** Takes one party's request (the caller's certificate checked by DealerService); answers everyone once all are in. */
  void offer(IntersectRequest req, StreamObserver<IntersectReply> resp) {
    ByteString id = req.getSessionId();
    List<String> parties = List.copyOf(req.getPartiesList());
    if (id.size() != 16) throw invalid("alignment id must have 16 bytes, got %d", id.size());
    if (parties.size() < 2 || parties.size() > MAX_PARTIES || new HashSet<>(parties).size() != parties.size()) {
      throw invalid("an alignment needs 2 to %d distinct parties, got %s", MAX_PARTIES, parties);
    }
    int me = parties.indexOf(req.getParty());
    if (me < 0) throw invalid("party '%s' is not in the alignment's parties %s", req.getParty(), parties);
    if (req.getAbort()) {
      abort(id, parties, req.getParty());
      resp.onNext(IntersectReply.getDefaultInstance());
      resp.onCompleted();
      return;
    }
    long now = System.currentTimeMillis();
    if (req.getDeadlineUnixMs() <= now || req.getDeadlineUnixMs() > now + MAX_WAIT_MS) {
      throw invalid("alignment deadline must be in the future and at most one hour away");
    }
    DealerPsi.checkRequest(me, parties.size(), req.getParty(), req.getTags().toByteArray(), req.getKey().toByteArray(), req.getCount());
    long size = req.getTags().size() + req.getKey().size();
    Round done;
    synchronized (this) {
      String ended = answered.get(id);
      if (ended != null && !ended.isEmpty()) throw smpc.core.Errors.aborted("alignment %s: %s", DealerService.shortId(id), ended);
      if (ended != null) throw denied("alignment %s already ended (answered or failed)", DealerService.shortId(id));
      Round r = rounds.get(id);
      if (r == null) {
        r = new Round(parties, req.getDeadlineUnixMs());
        rounds.put(id, r);
      }
      if (!r.parties.equals(parties)) {
        throw precondition("alignment disagreement: party %s names the parties %s, another party named %s", req.getParty(), parties, r.parties);
      }
      if (r.waiting[me] != null) throw denied("party '%s' already asked for alignment %s", req.getParty(), DealerService.shortId(id));
      long[] mine = byParty.computeIfAbsent(req.getParty(), k -> new long[2]);
      if (mine[0] >= MAX_ROUNDS_PER_PARTY || mine[1] + size > MAX_BYTES_PER_PARTY) {
        if (r.arrived == 0) rounds.remove(id);
        throw exhausted("party %s already has %d alignments waiting at the dealer with %d MiB of tags (limit %d, %d MiB): try again when they end",
            req.getParty(), mine[0], mine[1] >> 20, MAX_ROUNDS_PER_PARTY, MAX_BYTES_PER_PARTY >> 20);
      }
      if (held + size > MAX_HELD_BYTES) {
        if (r.arrived == 0) rounds.remove(id);
        throw exhausted("the dealer holds %d MiB of tags for waiting alignments; %s's %d MiB more would pass %d MiB: try again later",
            held >> 20, req.getParty(), size >> 20, MAX_HELD_BYTES >> 20);
      }
      r.tags[me] = req.getTags().toByteArray();
      r.keys[me] = req.getKey().toByteArray();
      r.counts[me] = req.getCount();
      held += size;
      mine[0]++;
      mine[1] += size;
      r.waiting[me] = resp;
      if (r.arrived == 0) LogFormat.event(LOG, Level.INFO, "alignment start", "session", DealerService.shortId(id), "parties", parties.size());
      if (++r.arrived < parties.size()) return;
      done = finish(id, r);
    }
    answer(id, done);
  }

  /**
   * A party of the alignment gave up (it failed, so the others would wait for it until the deadline): the parties
   * waiting here fail now, and later requests are refused. Unknown or ended alignments are remembered as ended.
   */
  private void abort(ByteString id, List<String> parties, String party) {
    Round r;
    synchronized (this) {
      if (answered.containsKey(id)) return;
      r = rounds.get(id);
      if (r != null && !r.parties.equals(parties)) {
        throw precondition("alignment disagreement: party %s names the parties %s, another party named %s", party, parties, r.parties);
      }
      String reason = DealerPsi.gaveUp(party).getMessage();
      if (r != null) finish(id, r);
      answered.put(id, reason);
      if (r == null) return;
    }
    fail(id, r, smpc.core.Errors.aborted("alignment %s: %s", DealerService.shortId(id), DealerPsi.gaveUp(party).getMessage()));
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
      for (int i = 0; i < r.parties.size(); i++) if (r.waiting[i] == null) missing.add(r.parties.get(i));
      fail(e.getKey(), r, deadline("alignment %s: %s did not ask the dealer in time", DealerService.shortId(e.getKey()), missing));
    }
  }

  private Round finish(ByteString id, Round r) {
    rounds.remove(id);
    answered.put(id, "");
    for (int i = 0; i < r.tags.length; i++) {
      if (r.waiting[i] == null) continue;
      long size = r.tags[i].length + r.keys[i].length;
      held -= size;
      long[] of = byParty.get(r.parties.get(i));
      of[0]--;
      of[1] -= size;
      if (of[0] == 0) byParty.remove(r.parties.get(i));
    }
    return r;
  }

  private static void answer(ByteString id, Round r) {
    DealerPsi.Answer[] answers;
    try {
      answers = DealerPsi.answers(r.tags[0], java.util.Arrays.asList(r.keys).subList(1, r.keys.length), r.counts);
      LogFormat.event(LOG, Level.INFO, "alignment end", "session", DealerService.shortId(id), "parties", r.parties.size());
    } catch (Failure f) {
      fail(id, r, f);
      return;
    }
    for (int i = 0; i < answers.length; i++) {
      IntersectReply.Builder b = IntersectReply.newBuilder().setValues(ByteString.copyFrom(answers[i].values()));
      for (long size : answers[i].sizes()) b.addSizes(size);
      try {
        r.waiting[i].onNext(b.build());
        r.waiting[i].onCompleted();
      } catch (RuntimeException gone) { // that party cancelled its call: the others still get their answer
        LOG.fine(() -> "an alignment's caller went away: " + gone);
      }
    }
  }

  private static void fail(ByteString id, Round r, Failure f) {
    LogFormat.event(LOG, Level.INFO, "alignment failed", "session", DealerService.shortId(id), "parties", r.parties.size(), "error", f.getMessage());
    for (StreamObserver<IntersectReply> w : r.waiting) {
      if (w == null) continue;
      try {
        w.onError(Statuses.status(f));
      } catch (RuntimeException gone) {
        LOG.fine(() -> "an alignment's caller went away: " + gone);
      }
    }
  }

}
