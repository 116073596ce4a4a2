package smpc.core.protocol;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import smpc.core.ring.Prg;

/**
 * A party's dealer seed for one session, derived from a key the party and the dealer share (the dealer's SeedKey
 * call) rather than fetched: seed = HMAC-SHA256(key, context), first 16 bytes, where the context is a hash of the
 * session id, its deadline, its parties in order and every party's key id. Each party computes it once the plan
 * agreement told it the others' key ids, so no party waits for the dealer, and the designated party asks for its
 * corrections as the session starts, naming the key ids it expects.
 *
 * <p>The whole context is bound, not the session id alone: corrections are c₀ = a·b − Σ c_i, and two of them over
 * the same honest parties' seeds but another key of the requester (or another list of parties) would cancel those
 * parties' terms and reveal their masks. Any other context gives seeds no honest party uses. And a seed must never
 * serve two sessions: two openings under one mask reveal the difference of what they mask, so a party refuses a
 * session id it already ran until its deadline has passed (smpc.party.Mailbox), the dealer hands out a context's
 * corrections once per kind until then (smpc.dealer.DealerService), and after it every party refuses the session.
 */
public final class SessionSeeds {
  public static final int KEY_BYTES = 32;
  public static final int KEY_ID_BYTES = 16;
  /** A session context's size (a SHA-256 digest, {@link #context}). */
  public static final int CONTEXT_BYTES = 32;
  private static final byte[] LABEL = "smpc session seed v1".getBytes(StandardCharsets.US_ASCII);
  /** One Mac and one digest per thread: getInstance looks the provider up each time (see Prg's cipher). */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  });

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  });

  private SessionSeeds() {}

  /** The session's context: SHA-256 over the label, id, deadline, parties (length-prefixed, in order) and key ids. */
  public static byte[] context(ByteString sessionId, long deadlineUnixMs, List<String> parties, List<ByteString> keyIds) {
    if (keyIds.size() != parties.size()) throw new IllegalArgumentException(keyIds.size() + " key ids for " + parties.size() + " parties");
    MessageDigest d = SHA256.get();
    d.reset();
    d.update(LABEL);
    d.update(ByteBuffer.allocate(12).putInt(sessionId.size()).putLong(deadlineUnixMs).array());
    d.update(sessionId.asReadOnlyByteBuffer());
    d.update(ByteBuffer.allocate(4).putInt(parties.size()).array());
    for (int j = 0; j < parties.size(); j++) {
      byte[] name = parties.get(j).getBytes(StandardCharsets.UTF_8);
      d.update(ByteBuffer.allocate(8).putInt(name.length).putInt(keyIds.get(j).size()).array());
      d.update(name);
      d.update(keyIds.get(j).asReadOnlyByteBuffer());
    }
    return d.digest();
  }

  /** A party's seed in the session of {@code context}, under its {@code key}. */
  public static byte[] seed(byte[] key, byte[] context) {
    if (key.length != KEY_BYTES) throw new IllegalArgumentException("a seed key has " + KEY_BYTES + " bytes, not " + key.length);
    Mac mac = MAC.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(context);
      return Arrays.copyOf(mac.doFinal(), Prg.SEED_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      mac.reset();
    }
  }
}
