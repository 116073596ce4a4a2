package smpc.sdk;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import smpc.core.protocol.Digests;
import smpc.core.protocol.Material;

/**
 * One party's figures for one session, as it counted them.
 *
 * @param material items of each kind of dealer material the session used
 * @param computationDigest what the party computed (plan, parties, fractional bits), 64 hex digits: the same for every
 *     run of the same computation (smpc.core.protocol.Digests)
 * @param sessionDigest this run of it (plus session id, deadline, requesting principal), which the party checked every
 *     peer had before anything secret moved
 */
public record PartyStats(int rounds, long bytesSent, long bytesReceived, long dealerBytes, long elapsedMicros,
    Map<Material, Long> material, String computationDigest, String sessionDigest) {
  static PartyStats of(smpc.proto.SessionStats s) {
    Map<Material, Long> m = new EnumMap<>(Material.class);
    for (Material k : Material.values()) m.put(k, k.in(s));
    return new PartyStats(s.getRounds(), s.getBytesSent(), s.getBytesReceived(), s.getDealerBytes(), s.getElapsedUs(),
        Collections.unmodifiableMap(m), Digests.hex(s.getComputationDigest().toByteArray()),
        Digests.hex(s.getSessionDigest().toByteArray()));
  }

  /** Items of one kind of dealer material. */
  public long material(Material kind) {
    return material.getOrDefault(kind, 0L);
  }
}
