package smpc.dealer;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import smpc.core.ring.Prg;
import smpc.proto.SeedsReply;

/**
 * Seeds handed to each party ahead of its sessions (the Seeds call), until the designated party of a session
 * names them in its Corrections request and the dealer takes them, once. A party draws one seed per session
 * from its own batch and sends only the seed's id to its peers, so a session starts without any party waiting
 * for the dealer; the seed itself never leaves the dealer and that party.
 *
 * <p>A seed serves one session: {@link #take} removes it, so a second session naming it is refused, and a
 * party never reuses one (smpc.party.SeedBatch). What is held is bounded: at most {@link #MAX_PER_PARTY}
 * seeds per party (a party asking for more loses its oldest), each for at most {@link #LIFETIME_MS}.
 */
final class IssuedSeeds {
  static final int MAX_BATCH = 256;
  static final int MAX_PER_PARTY = 1024;
  /** Longer than a party keeps a seed (smpc.party.SeedBatch.MAX_AGE_MS) plus the longest session. */
  static final long LIFETIME_MS = 3 * 3_600_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Issued(byte[] seed, long at) {}

  /** By party, oldest first. */
  private final Map<String, LinkedHashMap<ByteString, Issued>> byParty = new HashMap<>();

  /** A new batch for {@code party}, remembered until it is taken, replaced or expired. */
  synchronized SeedsReply issue(String party, int count) {
    if (count < 1 || count > MAX_BATCH) throw invalid("ask for 1 to %d seeds at a time, not %d", MAX_BATCH, count);
    LinkedHashMap<ByteString, Issued> mine = byParty.computeIfAbsent(party, p -> new LinkedHashMap<>());
    SeedsReply.Builder out = SeedsReply.newBuilder();
    long now = System.currentTimeMillis();
    for (int k = 0; k < count; k++) {
      byte[] id = new byte[16];
      RANDOM.nextBytes(id);
      ByteString key = ByteString.copyFrom(id);
      byte[] seed = Prg.freshSeed();
      mine.put(key, new Issued(seed, now));
      out.addIds(key).addSeeds(ByteString.copyFrom(seed));
    }
    for (Iterator<ByteString> it = mine.keySet().iterator(); mine.size() > MAX_PER_PARTY; ) {
      it.next();
      it.remove();
    }
    return out.build();
  }

  /**
   * Takes each party's seed for one session: all or none (a refused request leaves every seed where it was).
   *
   * @param ids the seed id of each of {@code parties}, in order
   */
  synchronized byte[][] take(java.util.List<String> parties, java.util.List<ByteString> ids) {
    if (ids.size() != parties.size()) throw invalid("name one seed id per party: %d ids for %d parties", ids.size(), parties.size());
    byte[][] seeds = new byte[parties.size()][];
    for (int j = 0; j < parties.size(); j++) {
      Map<ByteString, Issued> theirs = byParty.get(parties.get(j));
      Issued got = theirs == null ? null : theirs.get(ids.get(j));
      if (got == null) {
        throw precondition("the seed party %s named for this session is not one the dealer holds (used by an earlier session, "
            + "expired, or issued before the dealer restarted): run it again, the parties draw fresh seeds", parties.get(j));
      }
      seeds[j] = got.seed();
    }
    for (int j = 0; j < parties.size(); j++) byParty.get(parties.get(j)).remove(ids.get(j));
    return seeds;
  }

  /** Forgets seeds older than their lifetime. */
  synchronized void expire(long now) {
    for (LinkedHashMap<ByteString, Issued> mine : byParty.values()) mine.values().removeIf(i -> i.at() < now - LIFETIME_MS);
    byParty.values().removeIf(Map::isEmpty);
  }

  synchronized int size() {
    return byParty.values().stream().mapToInt(Map::size).sum();
  }
}
