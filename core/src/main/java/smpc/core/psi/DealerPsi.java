package smpc.core.psi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import smpc.core.Errors;
import smpc.core.protocol.Transport;

/**
 * Dealer-assisted private set intersection (docs/protocols.md "Private row alignment", `--protocol dealer`): the
 * multi-party PSI of Kolesnikov, Matania, Pinkas, Rosulek and Trieu (CCS 2017) with the dealer as the oblivious
 * PRF, so that nobody — parties or dealer — learns more than the intersection and the set sizes, whatever the
 * number of parties, provided no two of them collude.
 *
 * <ol>
 *   <li>Over the authenticated peer channel every party sends every peer 32 random bytes r_i for the common tag key
 *       K = SHA-256(domain, agreement, r_0..r_{n-1}) and 32 more for that pair alone; a pair's key k_ij hashes both
 *       pair values. The dealer never sees peer traffic, so it knows none of these keys.
 *   <li>Tags t(x) = HMAC_K(x). A zero-sharing: z_i(t) = Σ_{j≠i} ±F(k_ij, t), + when i &lt; j, so Σ_i z_i(t) = 0 —
 *       and each z_i looks random to anyone who lacks one of its pair keys.
 *   <li>Each party i ≥ 1 draws a PRF key k_i and gives it to the dealer. It puts each of its tags into bin
 *       h(t) mod B_i (B_i = ceil(N_i / 64)), and for each bin sends party 0 the polynomial of degree m_i − 1 through
 *       (F(k_i, t), z_i(t)) for the tags there, padded with random points to m_i, the largest bin load that
 *       N_i tags reach with probability 2^-40 ({@link #maxLoad}); a fuller bin fails the alignment (run it again).
 *   <li>Party 0 sends the dealer its tags and gets F(k_i, t) for each tag and each i: the dealer sees keys and
 *       party 0's tags, never another party's tag, so it learns no overlap. For each of its tags party 0 adds z_0(t)
 *       and every P_i,h(t)(F(k_i, t)): the sum is 0 exactly when every party holds t (else a random value, but
 *       with probability 2^-61). It sends everyone the common tags, increasing: the rows' common order.
 *   <li>Every party sends every other the SHA-256 of the list it got and whether all of it is its own, and keeps
 *       rows only if all agree: party 0 cannot give parties different lists or rows of ids some party lacks.
 * </ol>
 * Party 0 can evaluate a polynomial only where the dealer gave it F, at its own N_0 tags, and there a single
 * party's value z_i(t) hides behind the pair keys party 0 lacks: it learns which of its tags all hold, not who
 * holds the others. The other parties receive nothing but the common tags (which they check are theirs). Secure for
 * parties that follow it (semi-honest, no two colluding); a deviating party can put into its padding up to
 * bins·m tags it guesses (~2.2 N_i), as it could put ids it lacks into its set, and coalitions with party 0 learn
 * which of party 0's tags the parties outside the coalition all hold (docs/security.md). Costs:
 * per party about 3 HMACs an id (tag, F, the pair values), O(m_i²/64) field operations per id, 8 · m_i / 64
 * bytes an id to party 0 (m_i = 138 at 10^5 ids: 17 B an id), 16 B an id of party 0 to the dealer and 8 back per peer.
 */
public final class DealerPsi {
  /** Bytes of a tag: collisions among 10^6 ids have probability about 2^-88. */
  public static final int TAG_BYTES = 16;
  /** Bytes of the PRF key a party other than the first gives the dealer. */
  public static final int KEY_BYTES = 32;
  /** The largest Intersect request or reply: 32 MiB, 2 million tags. */
  public static final int MAX_REQUEST_BYTES = 32 << 20;
  /** The most ids a party may align with this protocol: the first party's tags fill the largest request. */
  public static final int MAX_IDS = MAX_REQUEST_BYTES / TAG_BYTES;
  /**
   * Ids per bin on average. The padding to the 2^-40 bound costs relatively less in fuller bins (m/64 ≈ 2.2 at 10^5
   * ids, m/16 ≈ 3.6), which is what a party sends and could fill with guesses, while interpolation costs m² per bin
   * (~300 field operations an id here, ~210 with 16).
   */
  static final int PER_BIN = 64;
  private static final int SHARE = 32;
  private static final String FIRST = "psi/fwd/0";
  private static final byte[] DOMAIN = "smpc-align/dealer-prf/v2".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAIR = "smpc-align/dealer-pair/v2".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COMMON = "smpc-align/dealer-common/v2".getBytes(StandardCharsets.UTF_8);
  /** A "common list" or confirmation of one byte (never whole tags, nor a confirmation's 33 bytes): its sender failed. */
  private static final byte[] GAVE_UP = {0};

  private DealerPsi() {}

  /**
   * What the dealer answered.
   *
   * @param sizes every party's number of ids, in session order
   * @param values for the first party: F(k_i, t) for each i ≥ 1 (in order), for each of its tags (in the order sent),
   *     8 bytes little-endian each; empty for the others
   */
  public record Answer(long[] sizes, byte[] values) {}

  /** This party's request to the dealer: the first party's tags, or another's PRF key and number of ids. */
  public interface Dealer {
    Answer ask(byte[] tags, byte[] key, long count);
  }

  /** Runs the protocol at party {@code me}; {@code dealer} sends this party's request and returns the answer. */
  public static DhPsi.Result run(Transport t, int me, List<String> parties, List<String> ids, byte[] agreement, SecureRandom random, Dealer dealer) {
    int n = parties.size();
    DhPsi.check(ids, parties.get(me));
    byte[][] shares = new byte[n][];
    byte[][] pairOut = new byte[n][];
    shares[me] = bytes(random, SHARE);
    // under the tag of DH-PSI's first message: a peer asked to run the other protocol fails at once (the agreement differs)
    for (int j = 0; j < n; j++) {
      if (j == me) continue;
      pairOut[j] = bytes(random, SHARE);
      t.send(j, FIRST, DhPsi.concat(agreement, DhPsi.concat(shares[me], pairOut[j])));
    }
    byte[][] pairKeys = new byte[n][];
    for (int j = 0; j < n; j++) {
      if (j == me) continue;
      byte[] in = DhPsi.agreed(t.receive(j, FIRST), agreement, parties.get(j));
      if (in.length != 2 * SHARE) throw Errors.invalid("party %s sent %d bytes of key shares, not %d", parties.get(j), in.length, 2 * SHARE);
      shares[j] = Arrays.copyOf(in, SHARE);
      byte[] theirs = Arrays.copyOfRange(in, SHARE, 2 * SHARE);
      pairKeys[j] = me < j ? hash(PAIR, agreement, pairOut[j], theirs) : hash(PAIR, agreement, theirs, pairOut[j]);
    }
    byte[] tags = tags(hash(DOMAIN, agreement, shares), ids);
    return me == 0 ? first(t, parties, tags, pairKeys, dealer) : other(t, me, parties, tags, pairKeys, random, dealer);
  }

  /**
   * Party 0: asks the dealer for F at its tags, evaluates the others' polynomials there, tells everyone the common tags
   * — or, when it fails before, a one-byte list ("gave up"), so that no party waits for its list until the deadline.
   */
  private static DhPsi.Result first(Transport t, List<String> parties, byte[] tags, byte[][] pairKeys, Dealer dealer) {
    Found found;
    int[] pulled = {0}; // parties 1..pulled[0] were asked for their polynomials
    try {
      found = common(t, parties, tags, pairKeys, dealer, pulled);
    } catch (RuntimeException e) { // a party waits for its pull or for the list: tell each it is over
      for (int j = 1; j < parties.size(); j++) t.send(j, j <= pulled[0] ? "psi/common" : "psi/pull", GAVE_UP);
      throw e;
    }
    for (int j = 1; j < parties.size(); j++) t.send(j, "psi/common", found.common());
    return confirm(t, 0, parties, tags, found.common(), found.sizes());
  }

  /** The common tags, increasing, and the sizes the dealer gave. */
  private record Found(byte[] common, long[] sizes) {}

  private static Found common(Transport t, List<String> parties, byte[] tags, byte[][] pairKeys, Dealer dealer, int[] pulled) {
    int n = parties.size(), count = tags.length / TAG_BYTES;
    checkAnswer(count, n);
    Answer got = dealer.ask(tags, null, count);
    checkSizes(got, n, 0, count);
    if (got.values().length != (long) (n - 1) * count * 8) throw Errors.invalid("the dealer's answer does not fit this alignment");
    ByteBuffer f = ByteBuffer.wrap(got.values()).order(ByteOrder.LITTLE_ENDIAN);
    long[] sum = zeroShares(tags, 0, pairKeys);
    for (int i = 1; i < n; i++) { // one party's polynomials at a time: memory for one, not n - 1
      int bins = bins(got.sizes()[i]), m = maxLoad(got.sizes()[i], bins);
      t.send(i, "psi/pull", new byte[0]);
      pulled[0] = i;
      byte[] in = t.receive(i, "psi/poly");
      if (in.length == 0) throw gaveUp(parties.get(i));
      if (in.length != (long) bins * m * 8) {
        throw Errors.invalid("party %s sent %d bytes of polynomials, not %d for its %d ids", parties.get(i), in.length, (long) bins * m * 8, got.sizes()[i]);
      }
      java.nio.LongBuffer poly = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
      for (int k = 0; k < poly.limit(); k++) {
        if (poly.get(k) < 0 || poly.get(k) >= Gf61.P) throw Errors.invalid("party %s sent a coefficient outside the field", parties.get(i));
      }
      int base = (i - 1) * count;
      for (int r = 0; r < count; r++) {
        sum[r] = Gf61.add(sum[r], Gf61.evaluate(poly, bin(tags, r, bins) * m, m, Gf61.reduce(f.getLong((base + r) * 8))));
      }
    }
    int[] order = Records.order(tags, TAG_BYTES);
    java.io.ByteArrayOutputStream common = new java.io.ByteArrayOutputStream();
    for (int r : order) if (sum[r] == 0) common.write(tags, r * TAG_BYTES, TAG_BYTES);
    return new Found(common.toByteArray(), got.sizes());
  }

  /** Party i ≥ 1: gives the dealer its key, sends party 0 its polynomials when it asks, takes the common tags. */
  private static DhPsi.Result other(Transport t, int me, List<String> parties, byte[] tags, byte[][] pairKeys, SecureRandom random, Dealer dealer) {
    int count = tags.length / TAG_BYTES;
    byte[] key = bytes(random, KEY_BYTES);
    int bins = bins(count), m = maxLoad(count, bins);
    byte[] polynomials;
    try {
      polynomials = polynomials(tags, key, zeroShares(tags, me, pairKeys), bins, m, random, parties.get(me));
    } catch (RuntimeException e) {
      t.send(0, "psi/poly", new byte[0]); // "gave up": party 0 need not wait for it
      throw e;
    }
    Answer got;
    byte[] common;
    boolean sent = false;
    try {
      got = dealer.ask(null, key, count);
      checkSizes(got, parties.size(), me, count);
      // party 0 asks for one party's polynomials at a time
      if (Arrays.equals(t.receive(0, "psi/pull"), GAVE_UP)) throw gaveUp(parties.get(0));
      t.send(0, "psi/poly", polynomials);
      sent = true;
      common = t.receive(0, "psi/common");
      if (Arrays.equals(common, GAVE_UP)) throw gaveUp(parties.get(0));
    } catch (RuntimeException e) { // the others would wait for this party's polynomials or confirmation
      if (!sent) t.send(0, "psi/poly", new byte[0]);
      for (int j = 0; j < parties.size(); j++) if (j != me) t.send(j, "psi/confirm", GAVE_UP);
      throw e;
    }
    return confirm(t, me, parties, tags, common, got.sizes());
  }

  /**
   * Party 0 alone decides the common list, so before anyone keeps rows every party tells every other the SHA-256 of
   * the list it got and whether all its tags are its own (one byte, then the hash): a party 0 that sent parties
   * different lists, or a tag some party lacks, fails the alignment for everyone alike — it cannot misalign rows, and
   * learns from a failure only that not every party holds some tag, as if it had put that id in its own set.
   */
  private static DhPsi.Result confirm(Transport t, int me, List<String> parties, byte[] tags, byte[] common, long[] sizes) {
    int[] rows = null;
    try { // whole, increasing tags, every one this party's own
      if (common.length % TAG_BYTES != 0) throw Errors.invalid("not whole tags");
      Records.increasing(common, TAG_BYTES, () -> Errors.invalid("not increasing"));
      if (common.length > 0) rows = Records.positions(tags, common, TAG_BYTES, null, () -> Errors.invalid("not this party's"));
    } catch (smpc.core.Failure bad) {
      rows = null;
    }
    byte[] mine = DhPsi.concat(new byte[] {(byte) (rows != null || common.length == 0 ? 1 : 0)}, hash(COMMON, common));
    for (int j = 0; j < parties.size(); j++) if (j != me) t.send(j, "psi/confirm", mine);
    for (int j = 0; j < parties.size(); j++) {
      if (j == me) continue;
      byte[] theirs = t.receive(j, "psi/confirm");
      if (Arrays.equals(theirs, GAVE_UP)) throw gaveUp(parties.get(j));
      if (theirs.length != mine.length || !Arrays.equals(theirs, 1, theirs.length, mine, 1, mine.length)) {
        throw Errors.invalid("party %s got other common tags than this party from %s: the alignment is refused", parties.get(j), parties.get(0));
      }
      if (theirs[0] != 1) throw Errors.invalid("party %s listed a common tag that party %s does not hold: the alignment is refused", parties.get(0), parties.get(j));
    }
    if (common.length == 0) throw Errors.precondition("the parties' ids have no common element: nothing to align");
    if (rows == null) throw Errors.invalid("party %s listed common tags that are not this party's ids, increasing: the alignment is refused", parties.get(0));
    return new DhPsi.Result(rows, sizes);
  }

  /** What the parties of an alignment (and the dealer) say when a party announced that it gave up. */
  public static smpc.core.Failure gaveUp(String party) {
    return Errors.aborted("party %s gave up the alignment (its log says why)", party);
  }

  private static void checkSizes(Answer got, int n, int me, long count) {
    if (got.sizes().length != n || got.sizes()[me] != count || Arrays.stream(got.sizes()).anyMatch(s -> s < 1 || s > MAX_IDS)) {
      throw Errors.invalid("the dealer's answer does not fit this alignment (sizes %s for %d parties)", Arrays.toString(got.sizes()), n);
    }
  }

  /** Per bin the m coefficients of the polynomial through (F(key, t), z(t)) for the bin's tags and random points. */
  private static byte[] polynomials(byte[] tags, byte[] key, long[] zero, int bins, int m, SecureRandom random, String me) {
    int count = tags.length / TAG_BYTES;
    long[] x = prf(key, tags);
    int[] load = new int[bins];
    int[][] members = new int[bins][m];
    for (int r = 0; r < count; r++) {
      int b = bin(tags, r, bins);
      if (load[b] == m) throw Errors.unavailable("%s's ids fill one bin beyond its bound (probability 2^-40): run the alignment again", me);
      members[b][load[b]++] = r;
    }
    long[] out = new long[bins * m];
    // the padding must be unpredictable to party 0 (it sees the coefficients): a DRBG per thread, not java.util.Random
    ThreadLocal<SecureRandom> dummies = ThreadLocal.withInitial(() -> new SecureRandom(bytes(random, 32)));
    IntStream.range(0, bins).parallel().forEach(b -> {
      long[] xs = new long[m], ys = new long[m];
      Set<Long> used = new HashSet<>();
      for (int k = 0; k < load[b]; k++) {
        xs[k] = x[members[b][k]];
        ys[k] = zero[members[b][k]];
        if (!used.add(xs[k])) throw Errors.unavailable("two of %s's ids met in the PRF (probability 2^-50): run the alignment again", me);
      }
      SecureRandom rnd = dummies.get();
      for (int k = load[b]; k < m; k++) {
        do xs[k] = Gf61.reduce(rnd.nextLong()); while (!used.add(xs[k]));
        ys[k] = Gf61.reduce(rnd.nextLong());
      }
      Gf61.interpolate(xs, ys, m, out, b * m);
    });
    ByteBuffer buf = ByteBuffer.allocate(out.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(out);
    return buf.array();
  }

  /**
   * The dealer's check of one party's request, before it holds it: the first party ({@code me} 0) sends its whole
   * tags and no key; every other party its PRF key and its number of ids, and no tag.
   */
  public static void checkRequest(int me, int parties, String party, byte[] tags, byte[] key, long count) {
    if (me == 0) {
      if (key.length != 0) throw Errors.invalid("party %s is the alignment's first party: it sends its tags, not a key", party);
      if (tags.length == 0 || tags.length % TAG_BYTES != 0) throw Errors.invalid("party %s sent %d bytes, not whole tags of %d", party, tags.length, TAG_BYTES);
      checkAnswer(tags.length / TAG_BYTES, parties);
    } else {
      if (tags.length != 0) throw Errors.invalid("party %s is not the alignment's first party: it sends a key, and no tag", party);
      if (key.length != KEY_BYTES) throw Errors.invalid("party %s sent a key of %d bytes, not %d", party, key.length, KEY_BYTES);
      if (count < 1 || count > MAX_IDS) throw Errors.invalid("party %s has %d ids, not 1 to %d", party, count, MAX_IDS);
    }
  }

  /**
   * The dealer's answers once every party's request is in (each checked by {@link #checkRequest}): the sizes to all,
   * and to the first party F(k_i, t) for each other party's key and each of its tags.
   */
  public static Answer[] answers(byte[] tags, List<byte[]> keys, long[] counts) {
    int count = tags.length / TAG_BYTES;
    checkAnswer(count, keys.size() + 1);
    ByteBuffer out = ByteBuffer.allocate(keys.size() * count * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] key : keys) for (long v : prf(key, tags)) out.putLong(v);
    long[] sizes = counts.clone();
    sizes[0] = count;
    Answer[] a = new Answer[counts.length];
    a[0] = new Answer(sizes, out.array());
    for (int i = 1; i < a.length; i++) a[i] = new Answer(sizes, new byte[0]);
    return a;
  }

  /** The dealer's answer to the first party, 8 bytes per tag per other party, must fit the largest message. */
  static void checkAnswer(long count, int parties) {
    long bytes = (parties - 1L) * count * 8;
    if (bytes > MAX_REQUEST_BYTES) {
      throw Errors.invalid("the first party's %d ids with %d other parties need %d MiB of PRF values from the dealer, more than %d MiB:"
          + " put a party with fewer ids first, or align with --protocol dh", count, parties - 1, bytes >> 20, MAX_REQUEST_BYTES >> 20);
    }
  }

  /** z_i(t) = Σ_{j≠i} ±F(k_ij, t) for each tag: the parties' values for one tag add up to 0. */
  private static long[] zeroShares(byte[] tags, int me, byte[][] pairKeys) {
    long[] z = new long[tags.length / TAG_BYTES];
    for (int j = 0; j < pairKeys.length; j++) {
      if (j == me) continue;
      long[] f = prf(pairKeys[j], tags);
      for (int r = 0; r < z.length; r++) z[r] = me < j ? Gf61.add(z[r], f[r]) : Gf61.sub(z[r], f[r]);
    }
    return z;
  }

  /** F(key, t) = HMAC-SHA256_key(t) as a field element, for each tag. */
  private static long[] prf(byte[] key, byte[] tags) {
    long[] out = new long[tags.length / TAG_BYTES];
    ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> mac(key));
    IntStream.range(0, out.length).parallel().forEach(r -> {
      Mac mac = macs.get();
      mac.update(tags, r * TAG_BYTES, TAG_BYTES);
      out[r] = Gf61.reduce(ByteBuffer.wrap(mac.doFinal()).getLong());
    });
    return out;
  }

  /** A tag's bin among {@code bins}: its last 8 bytes (the tag is a PRF value, so bins fill at random). */
  static int bin(byte[] tags, int r, int bins) {
    return (int) Long.remainderUnsigned(ByteBuffer.wrap(tags, r * TAG_BYTES + 8, 8).getLong(), bins);
  }

  static int bins(long count) {
    return (int) Math.max(1, (count + PER_BIN - 1) / PER_BIN);
  }

  /**
   * The smallest m such that {@code count} tags thrown at random into {@code bins} bins put more than m into some bin
   * with probability at most 2^-40 (union bound over bins, each load Binomial(count, 1/bins), summed in logs).
   */
  static int maxLoad(long count, int bins) {
    if (bins == 1) return (int) count;
    // StrictMath: every party computes every other's bound, so it must be bit for bit the same on any JVM
    double p = 1.0 / bins, logRatio = StrictMath.log(p) - StrictMath.log1p(-p), logPmf = count * StrictMath.log1p(-p); // log P(X = 0)
    double budget = StrictMath.pow(2, -40) / bins;
    int top = (int) Math.min(count, 20L * count / bins + 200);
    double[] pmf = new double[top + 1];
    for (int k = 0; k <= top; k++) {
      pmf[k] = StrictMath.exp(logPmf);
      logPmf += StrictMath.log((double) (count - k) / (k + 1)) + logRatio;
    }
    double tail = 0;
    for (int k = top; k >= 1; k--) {
      tail += pmf[k];
      if (tail > budget) return Math.min(k, (int) count);
    }
    return 1;
  }

  private static byte[] bytes(SecureRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] hash(byte[] domain, byte[] agreement, byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(domain);
      sha.update(agreement);
      for (byte[] s : parts) sha.update(s);
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256_K(id), its first 16 bytes, for every id in order. */
  static byte[] tags(byte[] key, List<String> ids) {
    byte[] out = new byte[ids.size() * TAG_BYTES];
    ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> mac(key));
    IntStream.range(0, ids.size()).parallel().forEach(i ->
        System.arraycopy(macs.get().doFinal(ids.get(i).getBytes(StandardCharsets.UTF_8)), 0, out, i * TAG_BYTES, TAG_BYTES));
    return out;
  }
}
