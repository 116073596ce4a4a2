package smpc.core.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import smpc.core.ring.Prg;

/**
 * A party's dealer seed for one session, derived from a key the party and the dealer share (the dealer's SeedKey
 * call) rather than fetched: seed = HMAC-SHA256(key, label ‖ session id ‖ deadline), first 16 bytes. Both sides
 * compute it when the session starts, so no party waits for the dealer before its first opening, and the designated
 * party asks for its corrections at once, naming each party's key id.
 *
 * <p>A seed must never serve two sessions: two openings under one mask reveal the difference of what they mask. A
 * party therefore refuses a session id it already ran within its deadline (smpc.party.UsedSessions), and the deadline
 * is part of the input, so the same id after its deadline (which every party refuses anyway) would be a new seed.
 * The dealer hands out each session's corrections once per kind and key set (smpc.dealer.DealerService).
 */
public final class SessionSeeds {
  public static final int KEY_BYTES = 32;
  public static final int KEY_ID_BYTES = 16;
  private static final byte[] LABEL = "smpc session seed v1".getBytes(StandardCharsets.US_ASCII);
  /** One Mac per thread: Mac.getInstance looks the provider up each time (see Prg's cipher). */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  });

  private SessionSeeds() {}

  /** This party's seed of session {@code sessionId} ending at {@code deadlineUnixMs}, under {@code key}. */
  public static byte[] seed(byte[] key, byte[] sessionId, long deadlineUnixMs) {
    if (key.length != KEY_BYTES) throw new IllegalArgumentException("a seed key has " + KEY_BYTES + " bytes, not " + key.length);
    Mac mac = MAC.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    mac.update(LABEL);
    mac.update(sessionId);
    mac.update(ByteBuffer.allocate(8).putLong(deadlineUnixMs).array());
    return Arrays.copyOf(mac.doFinal(), Prg.SEED_BYTES);
  }
}
