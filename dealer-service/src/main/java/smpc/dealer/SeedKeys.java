package smpc.dealer;

import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smpc.core.protocol.SessionSeeds;
import smpc.proto.SeedKeyReply;

/**
 * Each party's seed keys, by id: a party's seed of a session is a PRF of the session under its key
 * ({@link SessionSeeds}), so the dealer derives every party's seed from the key ids the designated party names.
 * A party asks for a new key when it starts and after a session of its failed (the dealer may have restarted and
 * lost them all); its older keys stay usable by sessions still running, up to {@link #MAX_PER_PARTY} per party.
 */
final class SeedKeys {
  static final int MAX_PER_PARTY = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** By party, oldest first. */
  private final Map<String, LinkedHashMap<ByteString, byte[]>> byParty = new HashMap<>();

  /** A new key for {@code party}; its oldest beyond {@link #MAX_PER_PARTY} is forgotten. */
  synchronized SeedKeyReply issue(String party) {
    byte[] id = new byte[SessionSeeds.KEY_ID_BYTES], key = new byte[SessionSeeds.KEY_BYTES];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(key);
    LinkedHashMap<ByteString, byte[]> mine = byParty.computeIfAbsent(party, p -> new LinkedHashMap<>());
    mine.put(ByteString.copyFrom(id), key);
    for (Iterator<ByteString> it = mine.keySet().iterator(); mine.size() > MAX_PER_PARTY; ) {
      it.next();
      it.remove();
    }
    return SeedKeyReply.newBuilder().setKeyId(ByteString.copyFrom(id)).setKey(ByteString.copyFrom(key)).build();
  }

  /** Every party's seed of the session of {@code context} ({@link SessionSeeds#context}), from the key each id names (one per party). */
  synchronized byte[][] seeds(List<String> parties, List<ByteString> keyIds, byte[] context) {
    byte[][] seeds = new byte[parties.size()][];
    for (int j = 0; j < parties.size(); j++) {
      Map<ByteString, byte[]> theirs = byParty.get(parties.get(j));
      byte[] key = theirs == null ? null : theirs.get(keyIds.get(j));
      if (key == null) {
        throw precondition("the seed key of party %s that this session names is not one the dealer holds (replaced, or issued "
            + "before the dealer restarted): run it again, the parties fetch fresh keys", parties.get(j));
      }
      seeds[j] = SessionSeeds.seed(key, context);
    }
    return seeds;
  }
}
