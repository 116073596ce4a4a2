package smpc.core.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.core.testing.Seeded;

/** Dealer-assisted PSI with an in-memory dealer: rows and order as DH-PSI gives them, and what each side sees. */
class DealerPsiTest {
  private static final byte[] AGREED = new byte[32];

  /** The dealer: holds each party's tags until all have sent theirs, then answers all with DealerPsi.intersect. */
  static final class MemDealer {
    final List<String> parties;
    final byte[][] got;
    DealerPsi.Intersection answer;
    final List<byte[]> seen = Collections.synchronizedList(new ArrayList<>());

    MemDealer(int n) {
      parties = PsiNet.NAMES.subList(0, n);
      got = new byte[n][];
    }

    synchronized DealerPsi.Intersection offer(int me, byte[] tags) {
      got[me] = tags;
      seen.add(tags.clone());
      if (java.util.Arrays.stream(got).allMatch(java.util.Objects::nonNull)) {
        long[] sizes = new long[got.length];
        for (int i = 0; i < got.length; i++) sizes[i] = got[i].length / DealerPsi.TAG_BYTES;
        answer = new DealerPsi.Intersection(DealerPsi.intersect(List.of(got), parties), sizes);
        notifyAll();
      }
      long end = System.currentTimeMillis() + 60_000;
      while (answer == null) {
        long left = end - System.currentTimeMillis();
        if (left <= 0) throw new IllegalStateException("the other parties did not send their tags");
        try {
          wait(left);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return answer;
    }
  }

  static List<DhPsi.Result> run(List<List<String>> ids, MemDealer dealer, List<PsiNet.Message> log) {
    return PsiNet.run(ids, DhPsiTest.keys(new Random(1), ids.size()), Collections.nCopies(ids.size(), AGREED), log, PsiNet.Message::payload,
        (t, me, parties, mine, key, agreement) -> DealerPsi.run(t, me, parties, mine, agreement, new SecureRandom(), tags -> dealer.offer(me, tags)));
  }

  /** Shuffled, partly overlapping ids: each party keeps exactly its rows of the intersection, in one common order. */
  @Seeded(value = 3, parties = {2, 3, 5})
  void onlyIntersectingRowsSurviveInOneOrder(int n, long seed) {
    Random rnd = new Random(seed);
    List<List<String>> ids = DhPsiTest.sets(rnd, n, 40 + rnd.nextInt(40), 30);
    DhPsiTest.assertOneOrderOfTheIntersection(ids, run(ids, new MemDealer(n), null), seed);
  }

  /**
   * A party receives from its peers only their 32-byte key shares (after the agreement digest), and from the
   * dealer only the common tags; the dealer's tags of the same ids differ in every run (fresh key shares), so
   * it cannot link alignments, and it gets nothing from any peer message.
   */
  @Test
  void partiesSeeKeySharesAndTheAnswerOnlyAndTheDealerUnlinkableTags() {
    List<List<String>> ids = List.of(List.of("a", "b", "c", "x"), List.of("c", "a", "y", "z", "w"), List.of("a", "c", "q"));
    List<PsiNet.Message> log = new ArrayList<>();
    MemDealer first = new MemDealer(3);
    run(ids, first, log);
    for (PsiNet.Message m : log) {
      assertEquals("psi/fwd/0", m.tag());
      assertEquals(AGREED.length + 32, m.payload().length);
    }
    assertEquals(2 * DealerPsi.TAG_BYTES, first.answer.common().length);
    MemDealer second = new MemDealer(3);
    run(ids, second, null);
    Set<ByteBuffer> before = new HashSet<>();
    for (byte[] t : first.seen) for (int o = 0; o < t.length; o += DealerPsi.TAG_BYTES) before.add(ByteBuffer.wrap(t, o, DealerPsi.TAG_BYTES));
    for (byte[] t : second.seen) {
      for (int o = 0; o < t.length; o += DealerPsi.TAG_BYTES) assertTrue(!before.contains(ByteBuffer.wrap(t, o, DealerPsi.TAG_BYTES)), "a tag came again");
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
            : DealerPsi.run(t, me, parties, mine, agreement, new SecureRandom(), tags -> dealer.offer(me, tags))));
    assertTrue(f.getMessage().startsWith("alignment disagreement: party "), f.getMessage());
  }

  @Test
  void theDealerRefusesListsThatAreNotIncreasingTags() {
    byte[] a = new byte[2 * DealerPsi.TAG_BYTES];
    a[0] = 1; // first tag 01.., second 00..: decreasing
    Failure down = assertThrows(Failure.class, () -> DealerPsi.intersect(List.of(new byte[DealerPsi.TAG_BYTES], a), List.of("alice", "bob")));
    assertEquals("party bob sent tags that are not increasing", down.getMessage());
    Failure part = assertThrows(Failure.class, () -> DealerPsi.intersect(List.of(new byte[7]), List.of("alice")));
    assertEquals("party alice sent 7 bytes, not whole tags of 16", part.getMessage());
    Failure none = assertThrows(Failure.class, () -> run(List.of(List.of("a"), List.of("b")), new MemDealer(2), null));
    assertEquals("the parties' ids have no common element: nothing to align", none.getMessage());
  }
}
