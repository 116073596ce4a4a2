package smpc.core.audit;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditRecord;
import smpc.proto.AuditWitness;

/**
 * Checks of parties' audit logs (docs/security.md, "Audit log"). A log is a hash chain: each record carries
 * the SHA-256 of the previous record's bytes as stored, and its position, so a record removed, inserted,
 * reordered or edited anywhere before the last shows in the record after it. A log rewritten whole and
 * consistently is caught only against other parties' logs ({@link #crossCheck}): their records of the same
 * session must agree with it, and the log heads they were sent when a session started must be records of it.
 */
public final class AuditChain {
  /** The {@code prev} of a log's first record, and the head of an empty log. */
  public static final ByteString GENESIS = ByteString.copyFrom(new byte[32]);

  private AuditChain() {}

  /** SHA-256 of a record's bytes as stored: what the next record's {@code prev} is. */
  public static ByteString hash(byte[] record) {
    try {
      return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(record));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** A stored record, or null if its bytes are not one. */
  public static AuditRecord parse(byte[] record) {
    try {
      return AuditRecord.parseFrom(record);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /**
   * What is wrong with {@code party}'s log (empty: the chain is intact). {@code head}, when not null, is the
   * hash of the last record as the party's process wrote it: a log edited behind its back differs there.
   */
  public static List<String> verify(String party, List<byte[]> log, ByteString head) {
    List<String> problems = new ArrayList<>();
    ByteString prev = GENESIS;
    for (int i = 0; i < log.size(); i++) {
      AuditRecord r = parse(log.get(i));
      if (r == null) {
        problems.add(String.format("%s's record %d is not a record (its bytes were changed)", party, i));
      } else {
        if (r.getSeq() != i) {
          problems.add(String.format("%s's record %d says it is record %d: records were removed, inserted or reordered", party, i, r.getSeq()));
        }
        if (!r.getPrev().equals(prev)) {
          problems.add(String.format("%s's record %d does not chain to the record before it: that record was edited, removed or moved", party, i));
        }
        if (!r.getParty().equals(party)) problems.add(String.format("%s's record %d is party %s's", party, i, r.getParty()));
      }
      prev = hash(log.get(i));
    }
    if (head != null && !head.equals(prev)) {
      problems.add(String.format("%s's log does not end with the record its party wrote last (head %s): the log file was changed"
          + " behind the party's back", party, hex(head)));
    }
    return problems;
  }

  /**
   * What the parties' logs say against each other (empty: they agree). Every party of a session that one
   * party ran to completion must have a record of it, naming the same computation, run, parties, inputs and
   * outputs (a session's first record at each party: its intent, or the one record of an attempt that ended
   * before it ran; an outcome record names its intent, which must be an earlier record of the same run); and
   * every log head a party was sent at a session's start must be a record of the sender's log from before its
   * own first record of that session.
   */
  public static List<String> crossCheck(Map<String, List<byte[]>> logs) {
    Map<String, List<AuditRecord>> parsed = new LinkedHashMap<>();
    Map<String, Map<ByteString, Integer>> position = new HashMap<>(); // party -> record hash -> position
    // party -> session digest -> its first record of that run (a refusal of a replayed session id has none)
    Map<String, Map<ByteString, Integer>> sessions = new HashMap<>();
    Map<String, Set<ByteString>> done = new HashMap<>(); // party -> session digests it recorded done
    logs.forEach((party, log) -> {
      List<AuditRecord> records = new ArrayList<>();
      Map<ByteString, Integer> at = new HashMap<>(), ran = new HashMap<>();
      Set<ByteString> finished = new HashSet<>();
      for (int i = 0; i < log.size(); i++) {
        AuditRecord r = parse(log.get(i));
        records.add(r);
        at.put(hash(log.get(i)), i);
        if (r != null && !r.getSessionDigest().isEmpty()) ran.putIfAbsent(r.getSessionDigest(), i);
        if (r != null && r.getOutcome() == AuditOutcome.AUDIT_DONE) finished.add(r.getSessionDigest());
      }
      parsed.put(party, records);
      position.put(party, at);
      sessions.put(party, ran);
      done.put(party, finished);
    });
    List<String> problems = new ArrayList<>();
    parsed.forEach((party, records) -> {
      Set<ByteString> ended = new HashSet<>(); // intents that have their outcome
      for (int i = 0; i < records.size(); i++) {
        AuditRecord r = records.get(i);
        if (r == null || r.getSessionDigest().isEmpty()) continue;
        String what = String.format("%s's record %d (session %s)", party, i, shortHex(r.getSessionId()));
        // what the session was about: in its intent, which must be its first record here (the one peers compare), or
        // in this record itself (an attempt that ended before it ran, or a log written before intents were)
        AuditRecord mine = r;
        if (!r.getIntent().isEmpty()) {
          Integer from = position.get(party).get(r.getIntent());
          mine = from == null || from >= i || !from.equals(sessions.get(party).get(r.getSessionDigest())) ? null : records.get(from);
          if (mine == null || mine.getOutcome() != AuditOutcome.AUDIT_STARTED) {
            problems.add(String.format("%s ends a session whose intent is not its first, earlier record of %s's log: a record was"
                + " removed, added or changed", what, party));
            continue;
          }
          if (!ended.add(r.getIntent())) {
            problems.add(String.format("%s ends its session a second time: its intent already has an outcome", what));
            continue;
          }
        }
        if (r.getOutcome() == AuditOutcome.AUDIT_DONE) {
          for (String peer : r.getPartiesList()) {
            if (peer.equals(party) || !parsed.containsKey(peer)) continue;
            Integer j = sessions.get(peer).get(r.getSessionDigest());
            AuditRecord theirs = j == null ? null : parsed.get(peer).get(j);
            if (j == null) {
              problems.add(String.format("%s's log lacks session %s, which %s's record %d says ran to completion with %s", peer,
                  shortHex(r.getSessionId()), party, i, peer));
            } else if (theirs != null && (party.compareTo(peer) < 0 || !done.get(peer).contains(r.getSessionDigest()))) {
              String differs = differs(mine, theirs);
              if (differs != null) problems.add(String.format("%s and %s's record %d disagree on the %s", what, peer, j, differs));
            }
          }
        }
        for (AuditWitness w : r.getWitnessedList()) {
          if (!parsed.containsKey(w.getParty()) || w.getHead().equals(GENESIS)) continue;
          Integer k = position.get(w.getParty()).get(w.getHead());
          Integer own = sessions.get(w.getParty()).get(r.getSessionDigest());
          if (k == null) {
            problems.add(String.format("%s was told by %s that its log ended with record hash %s when the session started; %s's log has"
                + " no such record: it was changed since", what, w.getParty(), shortHex(w.getHead()), w.getParty()));
          } else if (own != null && own <= k) {
            problems.add(String.format("%s was told by %s that its log ended with its record %d when the session started, but %s's record"
                + " of that session comes first (%d): its log was reordered", what, w.getParty(), k, w.getParty(), own));
          }
        }
      }
    });
    return problems;
  }

  /** What two parties' records of one session disagree on (fields every party records alike), or null. */
  private static String differs(AuditRecord a, AuditRecord b) {
    if (!a.getComputationDigest().equals(b.getComputationDigest())) return "computation digest";
    if (!a.getSessionId().equals(b.getSessionId())) return "session id";
    if (!a.getPartiesList().equals(b.getPartiesList())) return "parties";
    if (!Arrays.equals(inputs(a), inputs(b))) return "inputs";
    if (!Arrays.equals(outputs(a), outputs(b))) return "outputs";
    return null;
  }

  /** A record's inputs by name and party: each party knows the owners of what it holds only. */
  private static String[] inputs(AuditRecord r) {
    return r.getInputsList().stream().map(i -> i.getName() + "@" + i.getParty()).toArray(String[]::new);
  }

  /** A record's outputs as every party records them: where a party's own share went (share_to) is its own. */
  private static String[] outputs(AuditRecord r) {
    return r.getOutputsList().stream().map(o -> o.getRecipient() + "\u0000" + o.getName()).toArray(String[]::new);
  }

  /** How records are named in messages: the first 8 bytes, in hex. */
  public static String shortHex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray(), 0, Math.min(8, b.size()));
  }

  public static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
