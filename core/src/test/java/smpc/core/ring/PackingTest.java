package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PackingTest {
  @Property
  void roundTrips(@ForAll long[] v) {
    assertThat(Packing.fromBytes(Packing.toBytes(v))).containsExactly(v);
    assertThat(Packing.fromByteString(Packing.toByteString(v))).containsExactly(v);
  }

  @Test
  void isRawLittleEndianEightBytesPerElement() {
    byte[] b = Packing.toBytes(new long[] {0x0102030405060708L, -1});
    assertThat(b).hasSize(16);
    assertThat(b[0]).isEqualTo((byte) 0x08);
    assertThat(b[7]).isEqualTo((byte) 0x01);
    assertThat(b[8]).isEqualTo((byte) 0xff);
  }

  @Test
  void rejectsPartialElements() {
    assertThatThrownBy(() -> Packing.fromBytes(new byte[9])).hasMessageContaining("not a multiple of 8");
  }
}
