package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** The party's RocksDB store: what it acknowledged is there after a reopen, with its whole info. */
class ValueStoreTest {
  @TempDir Path dir;

  private static StoredValue value(String name, Kind kind, String owner, long... data) {
    ValueInfo.Builder i = ValueInfo.newBuilder().setName(name).setKind(kind).setDtype(DType.REAL).setLength(data.length)
        .setOwner(owner).setFracBits(16);
    if (kind == Kind.SHARED) i.addAllParties(List.of("alice", "bob", "carol"));
    return new StoredValue(i.build(), data);
  }

  @Test
  void valuesSurviveAReopenWithTheirInfo() throws Exception {
    long[] big = new Random(7).longs(1_000_000).toArray(); // a blob-file value
    try (ValueStore s = new ValueStore("alice", dir)) {
      s.putNew(value("x", Kind.PRIVATE, "alice", 1, -2, Long.MIN_VALUE));
      s.putNew(value("big", Kind.PRIVATE, "alice", big));
      s.commit(List.of(new PlanRunner.Store(value("z", Kind.SHARED, "bob", 5, 6), false)));
      assertThat(s.delete("x")).isTrue();
      s.putNew(value("x", Kind.PRIVATE, "alice", 9));
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.list()).extracting(ValueInfo::getName).containsExactly("big", "x", "z");
      assertThat(s.get("x").data()).containsExactly(9);
      assertThat(s.get("big").data()).isEqualTo(big);
      StoredValue z = s.get("z");
      assertThat(z.data()).containsExactly(5, 6);
      assertThat(z.info().getOwner()).isEqualTo("bob");
      assertThat(z.info().getPartiesList()).containsExactly("alice", "bob", "carol");
      assertThat(z.info().getFracBits()).isEqualTo(16);
      assertThat(z.info().getDtype()).isEqualTo(DType.REAL);
      assertThat(s.get("missing")).isNull();
    }
  }

  @Test
  void aSessionsOutputsLandTogetherOrNotAtAll() throws Exception {
    try (ValueStore s = new ValueStore("alice", dir)) {
      s.putNew(value("mine", Kind.PRIVATE, "alice", 1));
      s.putNew(value("theirs", Kind.SHARED, "bob", 2));
      // replacing alice's own private value by its share is allowed; a shared value is not replaced
      var ok = new PlanRunner.Store(value("mine", Kind.SHARED, "alice", 3), true);
      var clash = new PlanRunner.Store(value("theirs", Kind.SHARED, "bob", 4), true);
      var fresh = new PlanRunner.Store(value("fresh", Kind.SHARED, "alice", 5), false);
      assertThatThrownBy(() -> s.commit(List.of(ok, fresh, clash))).isInstanceOf(smpc.core.Failure.class)
          .hasMessageContaining("value 'theirs' already exists on alice");
      assertThat(s.get("mine").data()).containsExactly(1);
      assertThat(s.get("fresh")).isNull();
      s.commit(List.of(ok, fresh));
      assertThat(s.get("mine").info().getKind()).isEqualTo(Kind.SHARED);
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.get("mine").data()).containsExactly(3);
      assertThat(s.get("fresh").data()).containsExactly(5);
    }
  }

  @Test
  void badNamesAndDuplicatesAreRefusedAndChangeNothing() throws Exception {
    try (ValueStore s = new ValueStore("alice", null)) { // memory only
      s.putNew(value("a", Kind.PRIVATE, "alice", 1));
      assertThatThrownBy(() -> s.putNew(value("a", Kind.PRIVATE, "alice", 2))).hasMessageContaining("value 'a' already exists");
      assertThatThrownBy(() -> s.putNew(value("9bad", Kind.PRIVATE, "alice", 2))).hasMessageContaining("invalid value name '9bad'");
      assertThat(s.delete("nope")).isFalse();
      assertThat(s.size()).isEqualTo(1);
      assertThat(s.get("a").data()).containsExactly(1);
      s.close();
      assertThatThrownBy(() -> s.get("a")).hasMessageContaining("closed");
    }
  }

  @Test
  void valueFilesAreTheOwnersOnly() throws Exception {
    Path db = dir.resolve("data").resolve("alice");
    try (ValueStore s = new ValueStore("alice", db)) {
      s.putNew(value("big", Kind.PRIVATE, "alice", new Random(1).longs(100_000).toArray())); // a blob file too
      s.putNew(value("x", Kind.PRIVATE, "alice", 1));
    }
    try (ValueStore s = new ValueStore("alice", db)) { // reopened: new logs and manifests
      s.commit(List.of(new PlanRunner.Store(value("z", Kind.SHARED, "bob", 5, 6), false)));
    }
    assertThat(java.nio.file.Files.getPosixFilePermissions(db)).isEqualTo(PrivateFiles.DIRECTORY);
    try (var files = java.nio.file.Files.list(db)) {
      List<Path> all = files.toList();
      assertThat(all).extracting(f -> f.getFileName().toString()).anyMatch(n -> n.endsWith(".blob")).anyMatch(n -> n.endsWith(".log"));
      for (Path f : all) assertThat(java.nio.file.Files.getPosixFilePermissions(f)).as("%s", f).isEqualTo(PrivateFiles.FILE);
    }
  }

  /** A failed session's clean-up deletes only what that session stored, never a concurrent session's value. */
  @Test
  void aSessionsCleanUpDeletesOnlyItsOwnValue() throws Exception {
    var mine = com.google.protobuf.ByteString.copyFrom(new byte[16]);
    var other = com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    try (ValueStore s = new ValueStore("alice", dir)) {
      s.commit(other, List.of(new PlanRunner.Store(value("dup", Kind.SHARED, "bob", 5), false)));
      assertThatThrownBy(() -> s.commit(mine, List.of(new PlanRunner.Store(value("dup", Kind.SHARED, "bob", 6), false))))
          .hasMessage("value 'dup' already exists on alice");
      assertThat(s.delete("dup", mine)).isFalse();
      s.putNew(value("input", Kind.PRIVATE, "alice", 1));
      assertThat(s.delete("input", mine)).isFalse();
    }
    try (ValueStore s = new ValueStore("alice", dir)) {
      assertThat(s.get("dup").data()).containsExactly(5);
      assertThat(s.info("dup").getSessionId()).isEqualTo(other);
      assertThat(s.delete("dup", other)).isTrue();
      assertThat(s.delete("input", com.google.protobuf.ByteString.EMPTY)).isTrue();
    }
  }
}
