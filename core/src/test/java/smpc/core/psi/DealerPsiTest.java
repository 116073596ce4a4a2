package smpc.core.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.core.testing.Seeded;

/** Dealer-assisted PSI with an in-memory dealer: rows and order as DH-PSI gives them, and what each side sees. */
class DealerPsiTest {
  private static final byte[] AGREED = new byte[32];

  /** The dealer: holds each party's request until all have asked, then answers all with DealerPsi.answers. */
  static class MemDealer {
    final byte[][] tags, keys;
    final long[] counts;
    DealerPsi.Answer[] answers;

    MemDealer(int n) {
      tags = new byte[n][];
      keys = new byte[n][];
      counts = new long[n];
    }

    synchronized DealerPsi.Answer ask(int me, byte[] tags, byte[] key, long count) {
      DealerPsi.checkRequest(me, keys.length, PsiNet.NAMES.get(me), tags == null ? new byte[0] : tags, key == null ? new byte[0] : key, count);
      this.tags[me] = tags;
      keys[me] = key;
      counts[me] = count;
      if (this.tags[0] != null && java.util.stream.IntStream.range(1, keys.length).allMatch(i -> keys[i] != null)) {
        answers = DealerPsi.answers(this.tags[0], java.util.Arrays.asList(keys).subList(1, keys.length), counts);
        notifyAll();
      }
      long end = System.currentTimeMillis() + 60_000;
      while (answers == null) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) throw new IllegalStateException("the other parties did not ask");
        try {
          wait(left);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return answers[me];
    }
  }

  static List<DhPsi.Result> run(List<List<String>> ids, MemDealer dealer, List<PsiNet.Message> log) {
    return run(ids, dealer, log, m -> m.payload(), me -> new SecureRandom());
  }

  static List<DhPsi.Result> run(List<List<String>> ids, MemDealer dealer, List<PsiNet.Message> log,
      java.util.function.Function<PsiNet.Message, byte[]> tamper, java.util.function.IntFunction<SecureRandom> random) {
    return PsiNet.run(ids, DhPsiTest.keys(new Random(1), ids.size()), Collections.nCopies(ids.size(), AGREED), log, tamper,
        (t, me, parties, mine, key, agreement) -> DealerPsi.run(t, me, parties, mine, agreement, random.apply(me),
            (tags, k, count) -> dealer.ask(me, tags, k, count)));
  }

  /** Shuffled, partly overlapping ids (a party's ids in several bins, bins far from full): each keeps its rows of the intersection. */
  @Seeded(value = 3, parties = {2, 3, 5})
  void onlyIntersectingRowsSurviveInOneOrder(int n, long seed) {
    Random rnd = new Random(seed);
    List<List<String>> ids = DhPsiTest.sets(rnd, n, 40 + rnd.nextInt(400), 30);
    DhPsiTest.assertOneOrderOfTheIntersection(ids, run(ids, new MemDealer(n), null), seed);
  }

  /**
   * Ids that all parties but one hold (partial overlaps) do not survive, whichever party lacks them: with three
   * parties, alice and bob share 200 ids carol lacks, bob and carol 200 alice lacks, alice and carol 200 bob lacks.
   */
  @Test
  void partialOverlapsAreNotCommon() {
    List<List<String>> ids = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int k = 0; k < 600; k++) for (int p = 0; p < 3; p++) if (k / 200 != p) ids.get(p).add("id" + k);
    for (int k = 0; k < 50; k++) for (List<String> s : ids) s.add("all" + k);
    for (List<String> s : ids) Collections.shuffle(s, new Random(7));
    DhPsiTest.assertOneOrderOfTheIntersection(ids, run(ids, new MemDealer(3), null), 7);
  }

  /**
   * What each side sees. Every message is an agreement digest with two key shares, a party's polynomials to the
   * first party, or the common tags from it; the dealer gets the first party's tags and the others' keys only.
   * With every party's randomness fixed, a party other than the first receives byte for byte the same messages
   * and answer when the others' ids outside the intersection change: its view shows no such id.
   */
  @Test
  void aPartysViewDoesNotDependOnOthersIdsOutsideTheIntersection() {
    List<List<String>> ids = List.of(List.of("a", "b", "c", "x"), List.of("c", "a", "y", "z", "w"), List.of("a", "c", "q"));
    List<List<String>> other = List.of(List.of("a", "k", "c", "l"), List.of("c", "a", "m", "b", "x"), List.of("a", "c", "q"));
    List<PsiNet.Message> log = new ArrayList<>(), again = new ArrayList<>();
    MemDealer first = new MemDealer(3), second = new MemDealer(3);
    run(ids, first, log, m -> m.payload(), DealerPsiTest::fixed);
    run(other, second, again, m -> m.payload(), DealerPsiTest::fixed);
    for (PsiNet.Message m : log) {
      switch (m.tag()) {
        case "psi/fwd/0" -> assertEquals(AGREED.length + 64, m.payload().length);
        case "psi/poly" -> assertEquals(0, m.to());
        case "psi/pull" -> assertEquals(0, m.payload().length);
        case "psi/confirm" -> assertEquals(33, m.payload().length);
        case "psi/common" -> {
          assertEquals(0, m.from());
          assertEquals(2 * DealerPsi.TAG_BYTES, m.payload().length);
        }
        default -> throw new AssertionError("unexpected message " + m.tag());
      }
    }
    assertEquals(4 * DealerPsi.TAG_BYTES, first.tags[0].length);
    assertEquals(DealerPsi.KEY_BYTES, first.keys[1].length);
    assertEquals(DealerPsi.KEY_BYTES, first.keys[2].length);
    assertArrayEquals(received(log, 2), received(again, 2), "carol's view changed with ids outside the intersection");
    assertArrayEquals(first.answers[2].sizes(), second.answers[2].sizes());
    assertArrayEquals(first.answers[2].values(), second.answers[2].values());
    // and fresh randomness makes fresh tags: the dealer cannot link two alignments of the same ids
    MemDealer third = new MemDealer(3);
    run(ids, third, null);
    assertNotEquals(java.util.Arrays.toString(first.tags[0]), java.util.Arrays.toString(third.tags[0]));
  }

  private static boolean gaveUp(List<PsiNet.Message> log, int from, int to, String tag) {
    synchronized (log) {
      return log.stream().anyMatch(m -> m.from() == from && m.to() == to && m.tag().equals(tag) && java.util.Arrays.equals(m.payload(), new byte[1]));
    }
  }

  private static byte[][] received(List<PsiNet.Message> log, int party) {
    return log.stream().filter(m -> m.to() == party).sorted(java.util.Comparator.comparing((PsiNet.Message m) -> m.tag()).thenComparing(m -> m.from()))
        .map(PsiNet.Message::payload).toArray(byte[][]::new);
  }

  private static SecureRandom fixed(int me) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(1000 + me);
      return r;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A party asked for DH-PSI and a party asked for the dealer's protocol (agreements differ) fail at the first message. */
  @Test
  void partiesAskedForDifferentProtocolsFailAtOnce() {
    byte[] dh = new byte[32], dealerDigest = new byte[32];
    dealerDigest[0] = 1;
    MemDealer dealer = new MemDealer(2);
    Failure f = assertThrows(Failure.class, () -> PsiNet.run(List.of(List.of("a", "b"), List.of("a", "c")), DhPsiTest.keys(new Random(4), 2),
        List.of(dh, dealerDigest), null, PsiNet.Message::payload, (t, me, parties, mine, key, agreement) -> me == 0
            ? DhPsi.run(t, me, parties, mine, key, agreement)
            : DealerPsi.run(t, me, parties, mine, agreement, new SecureRandom(), (tags, k, count) -> dealer.ask(me, tags, k, count))));
    assertTrue(f.getMessage().startsWith("alignment disagreement: party "), f.getMessage());
  }

  /** The dealer refuses requests of the wrong shape; parties refuse a wrong number of coefficients and foreign common tags. */
  @Test
  void malformedRequestsAndMessagesAreRefused() {
    Failure key = assertThrows(Failure.class, () -> DealerPsi.checkRequest(0, 3, "alice", new byte[16], new byte[32], 1));
    assertEquals("party alice is the alignment's first party: it sends its tags, not a key", key.getMessage());
    Failure part = assertThrows(Failure.class, () -> DealerPsi.checkRequest(0, 3, "alice", new byte[7], new byte[0], 1));
    assertEquals("party alice sent 7 bytes, not whole tags of 16", part.getMessage());
    Failure tags = assertThrows(Failure.class, () -> DealerPsi.checkRequest(1, 3, "bob", new byte[16], new byte[32], 1));
    assertEquals("party bob is not the alignment's first party: it sends a key, and no tag", tags.getMessage());
    Failure shortKey = assertThrows(Failure.class, () -> DealerPsi.checkRequest(2, 3, "carol", new byte[0], new byte[8], 1));
    assertEquals("party carol sent a key of 8 bytes, not 32", shortKey.getMessage());
    Failure none = assertThrows(Failure.class, () -> run(List.of(List.of("a"), List.of("b")), new MemDealer(2), null));
    assertEquals("the parties' ids have no common element: nothing to align", none.getMessage());
    List<List<String>> ids = List.of(List.of("a", "b"), List.of("a", "c"), List.of("a", "b"));
    Failure cut = assertThrows(Failure.class, () -> run(ids, new MemDealer(3), null,
        m -> m.tag().equals("psi/poly") && m.from() == 2 ? java.util.Arrays.copyOf(m.payload(), 8) : m.payload(), me -> new SecureRandom()));
    assertTrue(cut.getMessage().startsWith("party carol sent 8 bytes of polynomials, not "), cut.getMessage());
    // a first party that lists a tag bob does not hold (here: bob's list with its first tag changed)
    Failure foreign = assertThrows(Failure.class, () -> run(ids, new MemDealer(3), null, m -> {
      byte[] p = m.payload().clone();
      if (m.tag().equals("psi/common") && m.to() == 1) p[0] ^= 1;
      return p;
    }, me -> new SecureRandom()));
    assertEquals("party bob got other common tags than this party from alice: the alignment is refused", foreign.getMessage());
    // a party that gives up (here: bob's polynomials replaced by the empty "gave up" message) fails the others at once
    Failure gaveUp = assertThrows(Failure.class, () -> run(ids, new MemDealer(3), null,
        m -> m.tag().equals("psi/poly") && m.from() == 1 ? new byte[0] : m.payload(), me -> new SecureRandom()));
    assertEquals("party bob gave up the alignment (its log says why)", gaveUp.getMessage());
    // (the in-memory net stops every party at the first failure, so the "gave up" messages are checked as sent)
    List<PsiNet.Message> sent = new ArrayList<>();
    assertThrows(Failure.class, () -> run(ids, new MemDealer(3), sent,
        m -> m.tag().equals("psi/poly") && m.from() == 1 ? new byte[0] : m.payload(), me -> new SecureRandom()));
    assertTrue(gaveUp(sent, 0, 1, "psi/common") && gaveUp(sent, 0, 2, "psi/pull"), "alice tells bob (pulled) and carol (not yet)");
    // a party failing after the dealer answered (here: carol's sizes do not fit) sends alice empty polynomials
    List<PsiNet.Message> late2 = new ArrayList<>();
    MemDealer wrong = new MemDealer(3) {
      @Override
      synchronized DealerPsi.Answer ask(int me, byte[] tags, byte[] key, long count) {
        DealerPsi.Answer a = super.ask(me, tags, key, count);
        return me == 2 ? new DealerPsi.Answer(new long[] {1, 1}, a.values()) : a;
      }
    };
    Failure sizes = assertThrows(Failure.class, () -> run(ids, wrong, late2, m -> m.payload(), me -> new SecureRandom()));
    assertTrue(sizes.getMessage().startsWith("the dealer's answer does not fit this alignment") || sizes.getMessage().contains("gave up"),
        sizes.getMessage());
    assertTrue(late2.stream().anyMatch(m -> m.from() == 2 && m.to() == 0 && m.tag().equals("psi/poly") && m.payload().length == 0));
    assertTrue(gaveUp(late2, 2, 1, "psi/confirm"));
    Failure late = assertThrows(Failure.class, () -> run(ids, new MemDealer(3), null,
        m -> m.tag().equals("psi/confirm") && m.from() == 2 ? new byte[1] : m.payload(), me -> new SecureRandom()));
    assertEquals("party carol gave up the alignment (its log says why)", late.getMessage());
    Failure big = assertThrows(Failure.class, () -> DealerPsi.checkRequest(0, 64, "alice", new byte[16 * 70_000], new byte[0], 1));
    assertTrue(big.getMessage().startsWith("the first party's 70000 ids with 63 other parties need 33 MiB of PRF values"), big.getMessage());
  }

  /** The bin bound: the whole set when one bin; a binomial tail of 2^-40 over the bins otherwise, and never below the mean. */
  @Test
  void theBinBoundCoversTheLoad() {
    assertEquals(7, DealerPsi.maxLoad(7, 1));
    assertEquals(17, DealerPsi.maxLoad(17, DealerPsi.bins(17))); // fewer ids than a bin holds on average: one bin
    for (long count : new long[] {1_000, 100_000, 2_000_000}) {
      int bins = DealerPsi.bins(count), m = DealerPsi.maxLoad(count, bins);
      assertTrue(m > count / bins && m < count / bins + 90, count + " ids in " + bins + " bins: bound " + m);
    }
    // an empirical check: the fullest of 100,000 ids' bins stays under the bound in 20 random throws
    int bins = DealerPsi.bins(100_000), m = DealerPsi.maxLoad(100_000, bins);
    Random rnd = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      int[] load = new int[bins];
      for (int k = 0; k < 100_000; k++) assertTrue(++load[rnd.nextInt(bins)] <= m);
    }
  }
}
