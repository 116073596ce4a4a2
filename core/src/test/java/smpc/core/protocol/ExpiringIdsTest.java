package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;

class ExpiringIdsTest {
  /**
   * Against a map: puts (new ids, ids kept already, earlier and later times), lookups of kept and unknown ids, and sweeps,
   * through growth and shrinking. The hash's seed comes from the case's (a failure replays), and the first capacity is
   * small (8 or 16 slots), so that runs of slots often wrap past the table's end and deletions move entries back across it.
   */
  @Seeded(60)
  void behavesAsAMapOfIdToItsLatestTime(long seed) {
    Random rnd = new Random(seed);
    int bytes = rnd.nextBoolean() ? 16 : 32, first = rnd.nextBoolean() ? 8 : 16;
    ExpiringIds ids = new ExpiringIds(bytes, first, rnd.nextLong());
    int widest = first;
    Map<ByteString, long[]> model = new HashMap<>(); // id -> {until, tag}
    List<ByteString> seen = new ArrayList<>();
    long now = 1_000;
    int most = 0;
    for (int step = 0; step < 30_000; step++) {
      int op = rnd.nextInt(100);
      if (op < 70) {
        ByteString id = !seen.isEmpty() && rnd.nextInt(4) == 0 ? seen.get(rnd.nextInt(seen.size())) : id(rnd, bytes);
        long until = now + 1 + rnd.nextInt(20_000);
        int tag = rnd.nextInt(300);
        ids.put(id, until, tag);
        long[] m = model.get(id);
        if (m == null) model.put(id, new long[] {until, tag});
        else m[0] = Math.max(m[0], until);
        seen.add(id);
        widest = Math.max(widest, ids.capacity());
      } else if (op < 98) {
        ByteString id = !seen.isEmpty() && rnd.nextBoolean() ? seen.get(rnd.nextInt(seen.size())) : id(rnd, bytes);
        long[] m = model.get(id);
        assertThat(ids.until(id)).as("until of an id at step %d", step).isEqualTo(m == null ? 0 : m[0]);
        assertThat(ids.contains(id)).isEqualTo(m != null);
      } else {
        now += rnd.nextInt(40) == 0 ? 40_000 : rnd.nextInt(200); // now and then past nearly everything
        most = Math.max(most, model.size());
        long at = now;
        int expected = (int) model.values().stream().filter(m -> m[0] < at).count();
        model.values().removeIf(m -> m[0] < at);
        assertThat(ids.expire(now)).as("expired at step %d", step).isEqualTo(expected);
        if (seen.size() > 50_000) seen.subList(0, 25_000).clear();
      }
      if (step % 997 == 0 || op >= 98) {
        assertThat(ids.size()).isEqualTo(model.size());
        for (int tag : new int[] {0, 1, 127, 128, 255, 256, 299, 300}) {
          int t = tag;
          assertThat(ids.count(tag)).as("count of tag %d at step %d", tag, step).isEqualTo(model.values().stream().filter(m -> m[1] == t).count());
        }
      }
    }
    assertThat(most).as("ids kept at once").isGreaterThan(1024);
    for (Map.Entry<ByteString, long[]> e : model.entrySet()) assertThat(ids.until(e.getKey())).isEqualTo(e.getValue()[0]);
    assertThat(ids.expire(Long.MAX_VALUE)).isEqualTo(model.size());
    assertThat(ids.size()).isZero();
    assertThat(widest).as("slots at most").isGreaterThanOrEqualTo(2048);
    assertThat(ids.capacity()).as("slots once empty").isEqualTo(first);
    for (ByteString id : seen) assertThat(ids.contains(id)).isFalse();
  }

  @Test
  void aTimeIsNeverShortenedAndATagStaysItsFirst() {
    ExpiringIds ids = new ExpiringIds(16);
    ByteString id = ByteString.copyFrom(new byte[16]);
    ids.put(id, 500, 3);
    ids.put(id, 200, 7);
    assertThat(ids.until(id)).isEqualTo(500);
    assertThat(ids.count(3)).isEqualTo(1);
    assertThat(ids.count(7)).isZero();
    assertThat(ids.expire(500)).isZero(); // kept until 500: still there at 500
    assertThat(ids.expire(501)).isEqualTo(1);
    assertThat(ids.count(3)).isZero();
  }

  /**
   * Deletions across the table's end, placed by hand in 8 slots: an entry whose home is slot 0 stays there when slot 7
   * empties; one whose home is slot 7 moves back from slot 0 into it, and those after it follow.
   */
  @Test
  void deletionAcrossTheEndMovesOnlyWhatMayMove() {
    ExpiringIds ids = new ExpiringIds(16, 8, 42);
    Random rnd = new Random(7);
    List<ByteString> at7 = new ArrayList<>(), at0 = new ArrayList<>();
    while (at7.size() < 3 || at0.size() < 2) {
      ByteString id = id(rnd, 16);
      int home = ids.home(id);
      if (home == 7 && at7.size() < 3) at7.add(id);
      if (home == 0 && at0.size() < 2) at0.add(id);
    }
    // slot 7: at7[0] (goes first), slot 0: at0[0] (home 0, must stay)
    ids.put(at7.get(0), 10);
    ids.put(at0.get(0), 100);
    assertThat(ids.expire(11)).isEqualTo(1);
    assertThat(ids.until(at0.get(0))).isEqualTo(100);
    assertThat(ids.until(at7.get(0))).isZero();
    // slots 7, 0, 1, 2 hold at7[1], at7[2], at0[0], at0[1]; at7[1] goes: at7[2] moves back across the end, the others one back
    ExpiringIds more = new ExpiringIds(16, 8, 42);
    more.put(at7.get(1), 10);
    more.put(at7.get(2), 100);
    more.put(at0.get(0), 100);
    more.put(at0.get(1), 100);
    assertThat(more.expire(11)).isEqualTo(1);
    for (ByteString id : List.of(at7.get(2), at0.get(0), at0.get(1))) assertThat(more.until(id)).isEqualTo(100);
    assertThat(more.contains(at7.get(1))).isFalse();
  }

  @Test
  void refusesIdsOfAnotherSizeAndNegativeTags() {
    ExpiringIds ids = new ExpiringIds(16);
    assertThatThrownBy(() -> ids.contains(ByteString.copyFrom(new byte[15]))).hasMessageContaining("16 bytes, got 15");
    assertThatThrownBy(() -> ids.put(ByteString.copyFrom(new byte[16]), 1, -1)).hasMessageContaining("a tag is 0 or more");
    assertThatThrownBy(() -> new ExpiringIds(12)).hasMessageContaining("multiple of 8");
    assertThat(ids.count(1_000)).isZero();
  }

  /** Ids from a space small enough that a fresh one is sometimes one kept already. */
  private static ByteString id(Random rnd, int bytes) {
    byte[] b = new byte[bytes];
    b[0] = (byte) rnd.nextInt(3);
    for (int i = bytes - 3; i < bytes; i++) b[i] = (byte) rnd.nextInt(256);
    return ByteString.copyFrom(b);
  }
}
