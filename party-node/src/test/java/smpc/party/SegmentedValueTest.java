package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Vectors longer than a segment: written and read a segment at a time, whole after a reopen, readable in any
 * slice across segment boundaries, and nothing of a write that did not complete left on disk.
 */
class SegmentedValueTest {
  private static final int S = ValueStore.SEGMENT;
  private static final int N = 2 * S + 5; // two whole segments and a short one

  @TempDir Path dir;

  private static ValueInfo info(String name, Kind kind, long length) {
    ValueInfo.Builder i = ValueInfo.newBuilder().setName(name).setKind(kind).setDtype(DType.INT).setLength(length).setOwner("alice");
    if (kind == Kind.SHARED) i.addAllParties(List.of("alice", "bob"));
    return i.build();
  }

  /** Feeds {@code data} to an ingest in chunks of {@code chunk} elements. */
  private static void feed(ValueStore.Ingest in, long[] data, int chunk) {
    for (int at = 0; at < data.length; at += chunk) {
      long[] part = java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + chunk));
      in.append(ByteBuffer.wrap(Packing.toBytes(part)));
    }
  }

  @Test
  void anInputStoredBySegmentsReadsBackInAnySlice() throws Exception {
    long[] x = new Random(11).longs(N).toArray();
    long[] y = new Random(12).longs(N).toArray();
    try (ValueStore s = new ValueStore("alice", dir)) {
      ValueStore.Ingest in = s.ingest(info("x", Kind.PRIVATE, N));
      feed(in, x, 131_072 + 3); // chunks that straddle segment boundaries
      in.add(info("x", Kind.PRIVATE, N));
      s.commit(List.of(new PlanRunner.Store(new StoredValue(info("y", Kind.SHARED, N), y), false))); // a session's output
      assertThat(s.segmentCount()).isEqualTo(6);
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      StoredValue v = s.get("x");
      assertThat(v.length()).isEqualTo(N);
      for (long[] r : new long[][] {{0, 1}, {S - 1, 2}, {S, S}, {2L * S - 3, 8}, {N - 5, 5}, {0, N}}) {
        assertThat(v.read(r[0], (int) r[1])).as("[%d, +%d)", r[0], r[1]).isEqualTo(java.util.Arrays.copyOfRange(x, (int) r[0], (int) (r[0] + r[1])));
      }
      assertThat(s.get("y").data()).isEqualTo(y);
      assertThatThrownBy(() -> v.read(N - 1, 2)).hasMessageContaining("out of range");
    }
  }

  @Test
  void aReplacedOrDeletedValueLeavesNoSegmentsBehind() throws Exception {
    long[] x = new Random(13).longs(N).toArray();
    try (ValueStore s = new ValueStore("alice", dir)) {
      s.putNew(new StoredValue(info("x", Kind.PRIVATE, N), x));
      StoredValue old = s.get("x");
      long[] share = new Random(14).longs(N).toArray();
      s.commit(List.of(new PlanRunner.Store(new StoredValue(info("x", Kind.SHARED, N), share), true))); // alice's share replaces it
      assertThat(s.segmentCount()).isEqualTo(3);
      assertThat(s.get("x").read(S, 4)).isEqualTo(java.util.Arrays.copyOfRange(share, S, S + 4));
      assertThatThrownBy(() -> old.read(S, 4)).hasMessageContaining("value 'x' was deleted or replaced while it was read");
      assertThat(s.delete("x")).isTrue();
      assertThat(s.segmentCount()).isZero();
      s.putNew(new StoredValue(info("w", Kind.PRIVATE, N), x));
      s.commit(List.of(new PlanRunner.Store(new StoredValue(info("w", Kind.SHARED, 3), new long[] {1, 2, 3}), true)));
      assertThat(s.segmentCount()).isZero(); // a short value replaces a long one: its data is one record
      assertThat(s.get("w").data()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void anUnfinishedInputIsDroppedAndItsNameStaysFree() throws Exception {
    long[] x = new Random(15).longs(N).toArray();
    try (ValueStore s = new ValueStore("alice", dir)) {
      ValueStore.Ingest cut = s.ingest(info("x", Kind.PRIVATE, N));
      feed(cut, java.util.Arrays.copyOf(x, S + 10), S / 2);
      assertThat(s.segmentCount()).isEqualTo(1);
      cut.abort(); // the client went away
      assertThat(s.segmentCount()).isZero();
      ValueStore.Ingest crash = s.ingest(info("x", Kind.PRIVATE, N));
      feed(crash, java.util.Arrays.copyOf(x, 2 * S), S);
      assertThatThrownBy(() -> crash.add(info("x", Kind.PRIVATE, N))).hasMessageContaining("input 'x' has 2097152 of its 2097157 elements");
      assertThatThrownBy(() -> feed(s.ingest(info("y", Kind.PRIVATE, 3)), new long[4], 4)).hasMessageContaining("more data than its length 3");
      assertThat(s.info("x")).isNull();
      // the party stops here without aborting (as if killed): its written segments name no value
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.segmentCount()).isZero(); // dropped when the database opened
      ValueStore.Ingest in = s.ingest(info("x", Kind.PRIVATE, N));
      feed(in, x, S);
      in.add(info("x", Kind.PRIVATE, N));
      assertThat(s.get("x").read(0, N)).isEqualTo(x);
      assertThatThrownBy(() -> s.ingest(info("x", Kind.PRIVATE, N))).hasMessageContaining("value 'x' already exists on alice");
    }
  }

  /** A streamed session's kept value: written while it runs, a value only with its commit, dropped when it fails. */
  @Test
  void aSessionsStagedValueIsAddedByItsCommitOrDropped() throws Exception {
    long[] x = new Random(16).longs(N).toArray();
    try (ValueStore s = new ValueStore("alice", dir)) {
      ValueStore.Ingest failed = s.stage("kept", N);
      failed.write(java.util.Arrays.copyOf(x, S));
      assertThat(s.segmentCount()).isEqualTo(1);
      failed.abort(); // the session failed
      assertThat(s.segmentCount()).isZero();
      ValueStore.Ingest w = s.stage("kept", N);
      for (int at = 0; at < N; at += S) w.write(java.util.Arrays.copyOfRange(x, at, Math.min(N, at + S)));
      StoredValue v = w.finish(info("kept", Kind.SHARED, N));
      assertThat(s.info("kept")).isNull(); // not a value until the commit
      s.commit(List.of(new PlanRunner.Store(v.withInfo(v.info().toBuilder().setOwner("bob").build()), false)));
      assertThat(s.segmentCount()).isEqualTo(3);
      assertThat(s.info("kept").getOwner()).isEqualTo("bob");
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.get("kept").read(0, N)).isEqualTo(x);
    }
  }

  /** A store written before segments keeps long vectors as one record: they still read, and delete. */
  @Test
  void aLongValueWrittenWholeByAnEarlierVersionStillReads() throws Exception {
    long[] x = new Random(17).longs(N).toArray();
    try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
        org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString())) {
      db.put("i:old".getBytes(java.nio.charset.StandardCharsets.UTF_8), info("old", Kind.PRIVATE, N).toByteArray());
      db.put("d:old".getBytes(java.nio.charset.StandardCharsets.UTF_8), Packing.toBytes(x));
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.get("old").read(S - 1, 3)).isEqualTo(java.util.Arrays.copyOfRange(x, S - 1, S + 2));
      assertThat(s.get("old").data()).isEqualTo(x);
      assertThat(s.delete("old")).isTrue();
      assertThat(s.get("old")).isNull();
    }
  }
}
