package smpc.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;

class PackingTest {
  /** The longest vector drawn, as a property-testing library sizes arrays by default. */
  static final int MAX = 255;

  @Seeded(1000)
  void roundTrips(long seed) {
    roundTrip(Seeds.longs(new Random(seed), 0, MAX));
  }

  @Test
  void roundTripsAtTheEdges() {
    Seeds.edgeVectors(0).forEach(PackingTest::roundTrip);
  }

  static void roundTrip(long[] v) {
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

  @Seeded(1000)
  void putWritesWhatToBytesWrites(long seed) {
    Random rnd = new Random(seed);
    put(Seeds.longs(rnd, 0, MAX), Seeds.longs(rnd, 0, MAX));
  }

  @Test
  void putWritesWhatToBytesWritesAtTheEdges() {
    List<long[]> edges = Seeds.edgeVectors(0);
    for (long[] v : edges) for (long[] before : edges) put(v, before);
  }

  static void put(long[] v, long[] before) {
    byte[] b = Packing.allocate(before.length + v.length);
    byte[] head = Packing.toBytes(before);
    System.arraycopy(head, 0, b, 0, head.length);
    long[] src = java.util.Arrays.copyOf(v, v.length + 3); // only the first len elements are written
    Packing.put(b, before.length, src, v.length);
    long[] all = java.util.Arrays.copyOf(before, before.length + v.length);
    System.arraycopy(v, 0, all, before.length, v.length);
    assertThat(b).isEqualTo(Packing.toBytes(all));
  }

  /** combine adds or XORs a packed vector held in pieces of any sizes, an element spanning pieces included. */
  @Seeded(1000)
  void combineAddsOrXorsAcrossPieces(long seed) {
    Random rnd = new Random(seed);
    combine(Seeds.longs(rnd, 0, MAX), rnd, rnd.nextBoolean());
  }

  @Test
  void combineAddsOrXorsAtTheEdges() {
    Random rnd = new Random(1); // how the pieces are cut: fixed, so that this test is the same every run
    for (long[] acc : Seeds.edgeVectors(0)) {
      combine(acc, rnd, false);
      combine(acc, rnd, true);
    }
  }

  static void combine(long[] acc, Random rnd, boolean xor) {
    long[] theirs = rnd.longs(acc.length).toArray();
    if (rnd.nextBoolean() && acc.length > 0) { // longer than a block, so blocks repeat
      acc = java.util.Arrays.copyOf(acc, 3 * Packing.BLOCK + acc.length);
      theirs = rnd.longs(acc.length).toArray();
    }
    byte[] packed = Packing.toBytes(theirs);
    com.google.protobuf.ByteString pieces = com.google.protobuf.ByteString.EMPTY;
    for (int off = 0; off < packed.length; ) {
      int len = Math.min(packed.length - off, rnd.nextBoolean() ? 8 * (1 + rnd.nextInt(4)) : 1 + rnd.nextInt(20));
      pieces = pieces.concat(com.google.protobuf.UnsafeByteOperations.unsafeWrap(
          rnd.nextBoolean() ? java.nio.ByteBuffer.wrap(packed, off, len).slice() : java.nio.ByteBuffer.allocateDirect(len).put(packed, off, len).flip()));
      off += len;
    }
    long[] want = acc.clone(), got = acc.clone(), got2 = acc.clone();
    for (int i = 0; i < want.length; i++) want[i] = xor ? want[i] ^ theirs[i] : want[i] + theirs[i];
    assertThat(Packing.combine(pieces, got, xor)).isEqualTo(acc.length);
    assertThat(got).containsExactly(want);
    Packing.combine(packed, got2, xor);
    assertThat(got2).containsExactly(want);
    long[] other = new long[acc.length + 1];
    assertThat(Packing.combine(pieces, other, xor)).isEqualTo(acc.length);
    assertThat(other).containsOnly(0L);
  }
}
