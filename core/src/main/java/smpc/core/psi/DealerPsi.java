package smpc.core.psi;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import smpc.core.Errors;
import smpc.core.protocol.Transport;

/**
 * Dealer-assisted private set intersection (docs/protocols.md "Private row alignment", `--protocol dealer`).
 * The parties agree a PRF key among themselves — each sends every peer 32 random bytes over the authenticated
 * peer channel, K = SHA-256(domain, agreement, r_0, ..., r_{n-1}) — so that the dealer, which never sees peer
 * traffic, does not know it. Each party sends the dealer its ids' tags HMAC-SHA256_K(id) (16 bytes), sorted; the
 * dealer answers every party with the tags all of them sent, in increasing order, which is the common row order.
 * The parties see no tag but their own and the common ones, so they learn the intersection and the set sizes
 * only (no partial overlaps, unlike the ring); the dealer learns the sizes and every overlap, never an id unless
 * a party gives it K (the non-collusion the dealer's triples already rest on). Hashing is microseconds per id.
 */
public final class DealerPsi {
  /** Bytes of a tag: collisions among 10^6 ids have probability about 2^-88. */
  public static final int TAG_BYTES = 16;
  /** The largest Intersect request the dealer takes: 32 MiB, 2 million tags (any id list one Align request carries). */
  public static final int MAX_REQUEST_BYTES = 32 << 20;
  private static final int KEY_SHARE = 32;
  private static final String FIRST = "psi/fwd/0";
  private static final byte[] DOMAIN = "smpc-align/dealer-prf/v1".getBytes(StandardCharsets.UTF_8);

  private DealerPsi() {}

  /**
   * What the dealer answered.
   *
   * @param common the tags every party sent, increasing
   * @param sizes every party's number of tags, in session order
   */
  public record Intersection(byte[] common, long[] sizes) {}

  /** Runs the protocol at party {@code me}; {@code dealer} sends this party's sorted tags and returns the answer. */
  public static DhPsi.Result run(Transport t, int me, List<String> parties, List<String> ids, byte[] agreement, SecureRandom random,
      Function<byte[], Intersection> dealer) {
    int n = parties.size();
    DhPsi.check(ids, parties.get(me));
    byte[][] shares = new byte[n][];
    shares[me] = new byte[KEY_SHARE];
    random.nextBytes(shares[me]);
    // under the tag of DH-PSI's first message: a peer asked to run the other protocol fails at once (the agreement differs)
    for (int j = 0; j < n; j++) if (j != me) t.send(j, FIRST, DhPsi.concat(agreement, shares[me]));
    for (int j = 0; j < n; j++) {
      if (j == me) continue;
      shares[j] = DhPsi.agreed(t.receive(j, FIRST), agreement, parties.get(j));
      if (shares[j].length != KEY_SHARE) throw Errors.invalid("party %s sent a key share of %d bytes, not %d", parties.get(j), shares[j].length, KEY_SHARE);
    }
    byte[] tags = tags(key(agreement, shares), ids);
    Intersection got = dealer.apply(Records.permuted(tags, Records.order(tags, TAG_BYTES), TAG_BYTES));
    if (got.sizes().length != n || got.sizes()[me] != ids.size() || got.common().length % TAG_BYTES != 0) {
      throw Errors.invalid("the dealer's answer does not fit this alignment (sizes %s for %d parties)", Arrays.toString(got.sizes()), n);
    }
    if (got.common().length == 0) throw Errors.precondition("the parties' ids have no common element: nothing to align");
    int[] rows = Records.positions(tags, got.common(), TAG_BYTES,
        (a, b) -> Errors.invalid("%s's ids in rows %d and %d have one tag", parties.get(me), a + 1, b + 1),
        () -> Errors.invalid("the dealer answered a tag that is not one of this party's ids, or one twice"));
    return new DhPsi.Result(rows, got.sizes());
  }

  /**
   * The dealer's side: the tags in every list, increasing, after checking each list is whole tags and strictly
   * increasing ({@code parties} names them in errors). A merge: time linear in the lists, no copies but the answer.
   */
  public static byte[] intersect(List<byte[]> lists, List<String> parties) {
    for (int k = 0; k < lists.size(); k++) {
      byte[] l = lists.get(k);
      String party = parties.get(k);
      if (l.length % TAG_BYTES != 0) throw Errors.invalid("party %s sent %d bytes, not whole tags of %d", party, l.length, TAG_BYTES);
      Records.increasing(l, TAG_BYTES, () -> Errors.invalid("party %s sent tags that are not increasing", party));
    }
    return Records.common(lists, TAG_BYTES);
  }

  private static byte[] key(byte[] agreement, byte[][] shares) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(DOMAIN);
      sha.update(agreement);
      for (byte[] s : shares) sha.update(s);
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256_K(id), its first 16 bytes, for every id in order (each thread keys its own Mac once). */
  static byte[] tags(byte[] key, List<String> ids) {
    byte[] out = new byte[ids.size() * TAG_BYTES];
    ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
    IntStream.range(0, ids.size()).parallel().forEach(i ->
        System.arraycopy(macs.get().doFinal(ids.get(i).getBytes(StandardCharsets.UTF_8)), 0, out, i * TAG_BYTES, TAG_BYTES));
    return out;
  }
}
