package smpc.core.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.core.testing.Seeded;

class DhPsiTest {
  private static final byte[] AGREED = new byte[32];

  /** Shuffled, partly overlapping ids: each party keeps exactly its rows of the intersection, in one common order. */
  @Seeded(value = 3, parties = {2, 3})
  void onlyIntersectingRowsSurviveInOneOrder(int n, long seed) {
    Random rnd = new Random(seed);
    List<List<String>> ids = sets(rnd, n, 40 + rnd.nextInt(40), 30);
    assertOneOrderOfTheIntersection(ids, PsiNet.run(ids, keys(rnd, n), AGREED, null), seed);
  }

  /** Each party holds exactly its rows of the intersection, all in one order, and knows every party's size. */
  static void assertOneOrderOfTheIntersection(List<List<String>> ids, List<DhPsi.Result> out, long seed) {
    int n = ids.size();
    Set<String> common = new HashSet<>(ids.get(0));
    for (List<String> s : ids) common.retainAll(s);
    List<String> order = null;
    for (int i = 0; i < n; i++) {
      List<String> mine = new ArrayList<>();
      for (int r : out.get(i).rows()) mine.add(ids.get(i).get(r));
      if (order == null) order = mine;
      assertEquals(order, mine, "party " + i + " holds the intersection in another order (seed " + seed + ")");
      for (int j = 0; j < n; j++) assertEquals(ids.get(j).size(), out.get(i).sizes()[j]);
    }
    assertEquals(common, new HashSet<>(order));
    assertEquals(common.size(), order.size());
  }

  /**
   * Party 0's view with fixed keys: re-running with the other parties' rows reshuffled changes no byte of it
   * (their row order is hidden); re-running with different non-matching ids keeps every point about the
   * intersection and party 0's own ids and replaces the rest by points party 0 cannot compute from any of those
   * ids with its key (H(y), H(y)^k, H(y)^(1/k)): a dictionary of candidate ids finds nothing.
   */
  @Seeded(value = 2, parties = {2, 3})
  void aPartysViewRevealsNoNonMatchingId(int n, long seed) {
    Random rnd = new Random(seed);
    List<List<String>> ids = sets(rnd, n, 30, 20);
    List<Key> keys = keys(rnd, n);
    List<PsiNet.Message> first = view(ids, keys);

    List<List<String>> reshuffled = new ArrayList<>();
    for (List<String> s : ids) reshuffled.add(shuffled(s, rnd));
    reshuffled.set(0, ids.get(0));
    List<PsiNet.Message> again = view(reshuffled, keys);
    assertEquals(first.size(), again.size());
    for (int m = 0; m < first.size(); m++) assertArrayEquals(first.get(m).payload(), again.get(m).payload(), first.get(m).tag());

    List<List<String>> other = new ArrayList<>(ids);
    Set<String> common = new HashSet<>(ids.get(0));
    for (List<String> s : ids) common.retainAll(s);
    List<String> replaced = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      List<String> s = new ArrayList<>();
      for (String x : ids.get(i)) {
        if (common.contains(x) || ids.get(0).contains(x)) s.add(x);
        else s.add("other-" + x);
      }
      replaced.addAll(s.stream().filter(x -> x.startsWith("other-")).toList());
      other.set(i, s);
    }
    List<PsiNet.Message> changed = view(other, keys);
    assertEquals(first.size(), changed.size());
    Set<ByteBuffer> before = points(first), after = points(changed);
    for (int m = 0; m < first.size(); m++) {
      assertEquals(first.get(m).payload().length, changed.get(m).payload().length, first.get(m).tag() + " changed size");
    }
    Set<ByteBuffer> kept = new HashSet<>(before);
    kept.retainAll(after);
    assertFalse(kept.isEmpty());
    List<String> candidates = new ArrayList<>(replaced);
    for (int i = 1; i < n; i++) for (String x : ids.get(i)) if (!common.contains(x)) candidates.add(x);
    Key k = keys.get(0);
    byte[] h = Points.hash(candidates);
    for (byte[] guesses : List.of(h, Points.power(h, k, "test"), Points.power(h, k.inverse(), "test"))) {
      for (int g = 0; g < candidates.size(); g++) {
        ByteBuffer guess = ByteBuffer.wrap(guesses, g * Points.BYTES, Points.BYTES).slice();
        assertFalse(before.contains(guess) || after.contains(guess), "party 0 can test the non-matching id " + candidates.get(g));
      }
    }
    // what changed is exactly the other parties' non-matching ids: as many fresh points as they have, per list
    assertEquals(before.size(), after.size());
    assertTrue(before.size() - kept.size() >= replaced.size(), "fewer fresh points than replaced ids");
  }

  @Test
  void badInputsFailBeforeAnythingIsSent() {
    List<PsiNet.Message> log = new ArrayList<>();
    Failure dup = assertThrows(Failure.class, () -> PsiNet.run(List.of(List.of("a", "b", "a"), List.of("a")), keys(new Random(1), 2), AGREED, log));
    assertEquals("alice has a duplicate id in row 3", dup.getMessage());
    Failure empty = assertThrows(Failure.class, () -> PsiNet.run(List.of(List.of("a"), List.of()), keys(new Random(1), 2), AGREED, null));
    assertEquals("bob has no ids to align", empty.getMessage());
    Failure none = assertThrows(Failure.class, () -> PsiNet.run(List.of(List.of("a"), List.of("b")), keys(new Random(1), 2), AGREED, null));
    assertEquals("the parties' ids have no common element: nothing to align", none.getMessage());
    assertTrue(log.stream().noneMatch(m -> m.from() == 0), "alice sent a message although her ids were refused");
  }

  @Test
  void aPeerRunningAnotherAlignmentIsRefused() {
    List<byte[]> digests = List.of(new byte[32], new byte[32]);
    digests.get(1)[0] = 1;
    Failure f = assertThrows(Failure.class, () -> PsiNet.run(List.of(List.of("a"), List.of("a")), keys(new Random(2), 2), digests, null));
    assertTrue(f.getMessage().startsWith("alignment disagreement: party "), f.getMessage());
  }

  /** A deviating peer's garbage is refused by name: a point off the curve, a returned list with a point twice. */
  @Test
  void aPeersInvalidPointsAreRefused() {
    List<List<String>> ids = List.of(List.of("a", "b", "c"), List.of("a", "b", "d"));
    Failure offCurve = assertThrows(Failure.class, () -> PsiNet.run(ids, keys(new Random(3), 2), java.util.Collections.nCopies(2, AGREED), null,
        m -> m.from() == 1 && m.tag().equals("psi/fwd/0") ? withPoint(m.payload(), AGREED.length, twist()) : m.payload()));
    assertEquals("party bob sent a value that is not a point of the curve", offCurve.getMessage());
    Failure twice = assertThrows(Failure.class, () -> PsiNet.run(ids, keys(new Random(3), 2), java.util.Collections.nCopies(2, AGREED), null,
        m -> m.from() == 1 && m.tag().equals("psi/back") ? withPoint(m.payload(), 0, java.util.Arrays.copyOfRange(m.payload(), Points.BYTES, 2 * Points.BYTES)) : m.payload()));
    assertEquals("party bob sent a point twice", twice.getMessage());
  }

  private static byte[] withPoint(byte[] payload, int at, byte[] point) {
    byte[] out = payload.clone();
    System.arraycopy(point, 0, out, at, Points.BYTES);
    return out;
  }

  /** The u-coordinate 2 (little-endian): 2^3 + A·2^2 + 2 is not a square mod p, so u = 2 lies on the twist. */
  private static byte[] twist() {
    byte[] u = new byte[Points.BYTES];
    u[0] = 2;
    return u;
  }

  static List<Key> keys(Random rnd, int n) {
    List<Key> k = new ArrayList<>();
    for (int i = 0; i < n; i++) k.add(Key.random(rnd));
    return k;
  }

  /** n shuffled id lists of about {@code size} each, sharing {@code shared} ids; each pair shares a few more. */
  static List<List<String>> sets(Random rnd, int n, int size, int shared) {
    List<List<String>> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> s = new ArrayList<>();
      for (int c = 0; c < shared; c++) s.add("id" + (c * 7 + 3));
      for (int c = 0; c < size - shared; c++) s.add("p" + i + "-" + rnd.nextInt(1_000_000) + "-" + c);
      s.add("pair" + i + "-" + (i + 1) % n);
      s.add("pair" + (i + n - 1) % n + "-" + i);
      ids.add(shuffled(s.stream().distinct().collect(Collectors.toList()), rnd));
    }
    return ids;
  }

  private static List<String> shuffled(List<String> s, Random rnd) {
    List<String> out = new ArrayList<>(s);
    Collections.shuffle(out, rnd);
    return out;
  }

  private static List<PsiNet.Message> view(List<List<String>> ids, List<Key> keys) {
    List<PsiNet.Message> log = new ArrayList<>();
    PsiNet.run(ids, keys, AGREED, log);
    return log.stream().filter(m -> m.to() == 0).sorted(java.util.Comparator.comparing(PsiNet.Message::tag)
        .thenComparing(PsiNet.Message::from)).toList();
  }

  private static Set<ByteBuffer> points(List<PsiNet.Message> view) {
    Set<ByteBuffer> s = new HashSet<>();
    for (PsiNet.Message m : view) {
      byte[] p = m.payload();
      int skip = m.tag().equals("psi/fwd/0") ? AGREED.length : 0; // the agreement digest before the first list
      for (int o = skip; o < p.length; o += Points.BYTES) s.add(ByteBuffer.wrap(p, o, Points.BYTES).slice());
    }
    return s;
  }

  static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
