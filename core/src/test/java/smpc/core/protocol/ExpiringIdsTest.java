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
   * through growth past the first capacity and shrinking after; ids share their first words so that runs wrap and
   * deletions move entries back.
   */
  @Seeded(40)
  void behavesAsAMapOfIdToItsLatestTime(long seed) {
    Random rnd = new Random(seed);
    int bytes = rnd.nextBoolean() ? 16 : 32;
    ExpiringIds ids = new ExpiringIds(bytes);
    Map<ByteString, long[]> model = new HashMap<>(); // id -> {until, tag}
    List<ByteString> seen = new ArrayList<>();
    long now = 1_000;
    int most = 0;
    for (int step = 0; step < 30_000; step++) {
      int op = rnd.nextInt(100);
      if (op < 70) {
        ByteString id = !seen.isEmpty() && rnd.nextInt(4) == 0 ? seen.get(rnd.nextInt(seen.size())) : id(rnd, bytes);
        long until = now + 1 + rnd.nextInt(20_000);
        int tag = rnd.nextInt(4);
        ids.put(id, until, tag);
        long[] m = model.get(id);
        if (m == null) model.put(id, new long[] {until, tag});
        else m[0] = Math.max(m[0], until);
        seen.add(id);
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
        for (int tag = 0; tag < 4; tag++) {
          int t = tag;
          assertThat(ids.count(tag)).as("count of tag %d at step %d", tag, step).isEqualTo(model.values().stream().filter(m -> m[1] == t).count());
        }
      }
    }
    assertThat(most).as("ids kept at once (the first capacity holds 512)").isGreaterThan(600);
    for (Map.Entry<ByteString, long[]> e : model.entrySet()) assertThat(ids.until(e.getKey())).isEqualTo(e.getValue()[0]);
    assertThat(ids.expire(Long.MAX_VALUE)).isEqualTo(model.size());
    assertThat(ids.size()).isZero();
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

  @Test
  void refusesIdsOfAnotherSizeAndTagsOutOfRange() {
    ExpiringIds ids = new ExpiringIds(16);
    assertThatThrownBy(() -> ids.contains(ByteString.copyFrom(new byte[15]))).hasMessageContaining("16 bytes, got 15");
    assertThatThrownBy(() -> ids.put(ByteString.copyFrom(new byte[16]), 1, ExpiringIds.TAGS)).hasMessageContaining("tag must be 0 to 255");
    assertThatThrownBy(() -> new ExpiringIds(12)).hasMessageContaining("multiple of 8");
  }

  /** Ids that mostly differ in their last word only: many share a first word, as a client could make them. */
  private static ByteString id(Random rnd, int bytes) {
    byte[] b = new byte[bytes];
    b[0] = (byte) rnd.nextInt(3);
    for (int i = bytes - 3; i < bytes; i++) b[i] = (byte) rnd.nextInt(256);
    return ByteString.copyFrom(b);
  }
}
