package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.Errors;
import smpc.core.audit.AuditChain;
import smpc.proto.AuditChunk;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditRecord;

/** The audit log's file: chained, synced records that survive a restart, and tampering with the file shows. */
class AuditLogTest {
  @TempDir Path dir;

  private static final Authorizer.Principal BOB = new Authorizer.Principal("client-bob", "client", "bob");

  private static void refuse(AuditLog log, String name) {
    assertThatThrownBy(() -> log.check(BOB, "GetValue", name, () -> {
      throw Errors.denied("client 'client-bob' may not read alice's private value '%s' (only client-alice may)", name);
    })).hasMessageContaining("may not read");
  }

  private static List<byte[]> records(AuditLog log) {
    List<byte[]> out = new ArrayList<>();
    for (AuditChunk c : log.chunks(0)) c.getRecordsList().forEach(r -> out.add(r.toByteArray()));
    return out;
  }

  private static ByteString head(AuditLog log) {
    List<AuditChunk> chunks = log.chunks(0);
    return chunks.get(chunks.size() - 1).getHead();
  }

  /** The file's records, each with its 4-byte length, as the log writes them. */
  private List<byte[]> fileRecords() throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(AuditLog.FILE)));
    List<byte[]> out = new ArrayList<>();
    while (b.remaining() >= 4) {
      byte[] r = new byte[b.getInt()];
      b.get(r);
      out.add(r);
    }
    return out;
  }

  private void writeFile(List<byte[]> records) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(records.stream().mapToInt(r -> r.length + 4).sum());
    for (byte[] r : records) b.putInt(r.length).put(r);
    Files.write(dir.resolve(AuditLog.FILE), b.array());
  }

  private List<String> verifyFile() throws IOException {
    try (AuditLog reopened = new AuditLog("alice", dir)) {
      return AuditChain.verify("alice", records(reopened), head(reopened));
    }
  }

  @Test
  void refusedCallsAreRecordedChainedAndKeptAcrossARestart() throws IOException {
    try (AuditLog log = new AuditLog("alice", dir)) {
      refuse(log, "salary");
      log.check(BOB, "ListValues", "", () -> { }); // allowed: nothing recorded
      refuse(log, "bonus");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(AuditLog.FILE)))).isEqualTo("rw-------");
    try (AuditLog log = new AuditLog("alice", dir)) {
      refuse(log, "pension");
      List<byte[]> records = records(log);
      assertThat(records).hasSize(3);
      assertThat(AuditChain.verify("alice", records, head(log))).isEmpty();
      AuditRecord r = AuditChain.parse(records.get(2));
      assertThat(r.getSeq()).isEqualTo(2);
      assertThat(r.getPrincipal()).isEqualTo("client-bob");
      assertThat(r.getRole()).isEqualTo("client");
      assertThat(r.getCall()).isEqualTo("GetValue");
      assertThat(r.getSubject()).isEqualTo("pension");
      assertThat(r.getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
      assertThat(r.getReason()).isEqualTo("PERMISSION_DENIED: client 'client-bob' may not read alice's private value 'pension' (only client-alice may)");
      assertThat(log.chunks(2)).singleElement().satisfies(c -> assertThat(c.getRecordsCount()).isEqualTo(1));
    }
  }

  @Test
  void otherFailuresOfACheckAreNotRefusals() throws IOException {
    try (AuditLog log = new AuditLog("alice", null)) {
      assertThatThrownBy(() -> log.check(BOB, "Input", "x", () -> {
        throw Errors.invalid("bad");
      })).isInstanceOf(RuntimeException.class);
      assertThat(records(log)).isEmpty();
      refuse(log, "salary");
      assertThat(records(log)).hasSize(1); // a memory-only party keeps its log in memory
    }
  }

  private void fourRecords() throws IOException {
    try (AuditLog log = new AuditLog("alice", dir)) {
      for (String name : List.of("a", "b", "c", "d")) refuse(log, name);
    }
    assertThat(verifyFile()).isEmpty();
  }

  @Test
  void aRemovedRecordIsDetected() throws IOException {
    fourRecords();
    List<byte[]> records = fileRecords();
    records.remove(1);
    writeFile(records);
    assertThat(verifyFile()).contains("alice's record 1 says it is record 2: records were removed, inserted or reordered");
  }

  @Test
  void reorderedRecordsAreDetected() throws IOException {
    fourRecords();
    List<byte[]> records = fileRecords();
    java.util.Collections.swap(records, 1, 2);
    writeFile(records);
    assertThat(verifyFile()).contains("alice's record 1 says it is record 2: records were removed, inserted or reordered",
        "alice's record 3 does not chain to the record before it: that record was edited, removed or moved");
  }

  @Test
  void anEditedRecordIsDetected() throws IOException {
    fourRecords();
    List<byte[]> records = fileRecords();
    records.set(1, AuditChain.parse(records.get(1)).toBuilder().setPrincipal("client-alice").build().toByteArray());
    writeFile(records);
    assertThat(verifyFile()).containsExactly("alice's record 2 does not chain to the record before it: that record was edited, removed or moved");
  }

  @Test
  void theLastRecordEditedBehindARunningPartysBackIsDetected() throws IOException {
    fourRecords();
    try (AuditLog log = new AuditLog("alice", dir)) {
      List<byte[]> records = fileRecords();
      records.set(3, AuditChain.parse(records.get(3)).toBuilder().setSubject("nothing").build().toByteArray());
      writeFile(records);
      assertThat(AuditChain.verify("alice", records(log), head(log))).singleElement().asString()
          .contains("does not end with the record its party wrote last");
    }
  }

  @Test
  void aRecordCutShortByACrashIsDroppedAtStart() throws IOException {
    fourRecords();
    byte[] whole = Files.readAllBytes(dir.resolve(AuditLog.FILE));
    Files.write(dir.resolve(AuditLog.FILE), java.util.Arrays.copyOf(whole, whole.length - 5));
    try (AuditLog log = new AuditLog("alice", dir)) {
      assertThat(records(log)).hasSize(3);
      try (var aside = Files.list(dir)) { // the cut record's bytes are kept aside, owner-only
        Path dropped = aside.filter(f -> f.getFileName().toString().startsWith(AuditLog.FILE + ".dropped-")).findFirst().orElseThrow();
        assertThat(Files.size(dropped)).isEqualTo(whole.length - 5 - Files.size(dir.resolve(AuditLog.FILE)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dropped))).isEqualTo("rw-------");
      }
      refuse(log, "e"); // appended where the whole records end, chained to the last of them
      assertThat(AuditChain.verify("alice", records(log), head(log))).isEmpty();
    }
  }

  @Test
  void aRecordThatCannotBeWrittenFailsTheCallWithoutAHalfRecord() throws IOException {
    fourRecords();
    AuditLog log = new AuditLog("alice", dir);
    log.close(); // every write now fails, as on a lost disk
    assertThatThrownBy(() -> log.append(AuditRecord.newBuilder().setCall("Execute"))).isInstanceOf(smpc.core.Failure.class)
        .hasMessageContaining("party alice cannot write its audit log");
    assertThat(verifyFile()).isEmpty();
  }

  /** Group commit: sessions ending at once share syncs, and every record each of them was told about is in the chain. */
  @Test
  void concurrentRecordsAreAllKeptInOneUnbrokenChain() throws Exception {
    int threads = 8, each = 50;
    java.util.Set<ByteString> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (AuditLog log = new AuditLog("alice", dir)) {
      refuse(log, "before");
      var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      var start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int k = 0; k < each; k++) {
            told.add(log.append(AuditLog.record(BOB, "Execute").setSubject(id + "/" + k).setOutcome(AuditOutcome.AUDIT_DONE)));
          }
          return null;
        }));
      }
      start.countDown();
      for (var f : done) f.get();
      pool.shutdown();
      assertThat(told).hasSize(threads * each);
    }
    List<byte[]> onDisk = fileRecords();
    assertThat(onDisk).hasSize(1 + threads * each);
    assertThat(verifyFile()).isEmpty();
    java.util.Set<String> subjects = new java.util.HashSet<>();
    java.util.Set<ByteString> hashes = new java.util.HashSet<>();
    for (byte[] r : onDisk) {
      subjects.add(AuditChain.parse(r).getSubject());
      hashes.add(AuditChain.hash(r));
    }
    assertThat(hashes).containsAll(told); // what each caller was told is a record of the file
    for (int t = 0; t < threads; t++) for (int k = 0; k < each; k++) assertThat(subjects).contains(t + "/" + k);
  }

  /**
   * A session's intent is synced while it runs and its outcome waits for the next sync: a peer is told only the head
   * already on the disk (never a record a crash of the machine could take back), and closing the log syncs the rest.
   */
  @Test
  void peersAreToldOnlyTheHeadOnTheDiskAndClosingSyncsTheRest() throws IOException {
    ByteString intent, outcome;
    try (AuditLog log = new AuditLog("alice", dir)) {
      ByteString refused = log.append(AuditLog.record(BOB, "GetValue").setSubject("salary").setOutcome(AuditOutcome.AUDIT_REFUSED));
      assertThat(log.head()).isEqualTo(refused);
      AuditLog.Written w = log.write(AuditLog.record(BOB, "Execute").setSubject("s").setOutcome(AuditOutcome.AUDIT_STARTED));
      intent = w.hash();
      java.util.concurrent.CompletableFuture<Void> synced = log.synced(w.end());
      synced.join();
      assertThat(log.head()).isEqualTo(intent);
      outcome = log.write(AuditLog.record(BOB, "Execute").setIntent(intent).setOutcome(AuditOutcome.AUDIT_DONE)).hash();
      assertThat(log.head()).as("an outcome not synced yet").isEqualTo(intent);
      assertThat(head(log)).as("the Audit call's head: the last record written").isEqualTo(outcome);
      assertThat(log.synced(w.end())).isDone(); // already on the disk: no second force
    }
    List<byte[]> onDisk = fileRecords();
    assertThat(onDisk).hasSize(3);
    assertThat(AuditChain.hash(onDisk.get(1))).isEqualTo(intent);
    assertThat(AuditChain.hash(onDisk.get(2))).isEqualTo(outcome);
    assertThat(verifyFile()).isEmpty();
    try (AuditLog reopened = new AuditLog("alice", dir)) {
      assertThat(reopened.head()).isEqualTo(outcome); // what the file holds is on the disk
    }
  }
}
