package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.Limits;
import smpc.core.protocol.StoredValue;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** A private vector of several segments goes in by Input and comes back by GetValue, each a chunk at a time. */
class LongValueTest {
  @Test
  void aLongPrivateValueRoundTripsThroughInputAndGetValue() throws Exception {
    int n = 2 * ValueStore.SEGMENT + 7;
    long[] x = new Random(21).longs(n).toArray();
    ValueInfo info = ValueInfo.newBuilder().setName("long").setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(n).setOwner("alice").build();
    try (InProcessCluster c = new InProcessCluster(List.of("alice", "bob"), 16)) {
      c.input(new StoredValue(info, x));
      assertThat(c.fetch(0, "long")).isEqualTo(x);
      c.delete("long");
      assertThatThrownBy(() -> c.fetch(0, "long")).hasMessageContaining("value 'long' not found on alice");
    }
  }

  /** Longer than one step may hold, a vector is only read in blocks: a plan that needs it whole is told so. */
  @Test
  void aVectorLongerThanAStepIsReadOnlyInBlocks() {
    ValueInfo info = ValueInfo.newBuilder().setName("huge").setLength(Limits.MAX_LENGTH + 1L).build();
    StoredValue v = StoredValue.read(info, (from, count) -> new long[count]);
    assertThat(v.read(Limits.MAX_LENGTH - 2L, 3)).hasSize(3);
    assertThatThrownBy(v::data).hasMessage(
        "value 'huge' has 67108865 elements: vectors longer than 67108864 are only read in blocks (elementwise plans and their sums)");
  }
}
