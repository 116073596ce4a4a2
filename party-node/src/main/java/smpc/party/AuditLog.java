package smpc.party;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import smpc.core.Errors;
import smpc.core.audit.AuditChain;
import smpc.net.Statuses;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditRecord;

/**
 * This party's audit log (docs/security.md, "Audit log"): the records of each session attempt ({@link AuditAttempt})
 * and one per call outside sessions that was refused, appended to {@code DIR/audit.log} beside the value database
 * (a 0600 file). A refusal is synced to the disk before the call is answered, a session's intent while the session
 * runs (concurrent sessions share a sync); a party without a data directory keeps it in memory. Records are chained
 * by hash ({@link AuditChain}); the file is a sequence of records, each preceded by its length as 4 big-endian bytes.
 * A record names values, parties, principals and digests only,
 * never a share or a value.
 */
final class AuditLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
  static final String FILE = "audit.log";
  /** Records per chunk of the Audit call's reply stay well under gRPC's message limit. */
  private static final int CHUNK_BYTES = 1 << 20;

  final String me;
  private final Path file; // null: in memory
  private final FileChannel channel;
  private final List<byte[]> memory = new ArrayList<>();
  private long size; // bytes of whole records in the file
  private long count;
  private ByteString head = AuditChain.GENESIS;
  /** One force at a time ({@link #sync}). */
  private final Object syncing = new Object();
  /** Forces the file while sessions run ({@link #synced}); null: in memory. */
  private final ExecutorService syncer;
  /** Bytes of the file known to be on the disk, the hash of the last record among them, and their count. */
  private volatile long durable;
  private volatile ByteString durableHead = AuditChain.GENESIS;
  private long durableCount;
  /** Why a force failed: the log then takes no more records. */
  private String broken;

  AuditLog(String me, Path dir) throws IOException {
    this.me = me;
    if (dir == null) {
      file = null;
      channel = null;
      syncer = null;
      return;
    }
    file = PrivateFiles.directory(dir).resolve(FILE);
    if (!Files.exists(file)) {
      boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
      if (posix) Files.createFile(file, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
      else Files.createFile(file);
    }
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    byte[][] last = {null};
    long[] n = {0};
    size = scan(channel.size(), r -> { // checking the chain is `smpc audit`'s: this only finds where it ends
      last[0] = r;
      n[0]++;
    });
    if (size < channel.size()) {
      // a record cut short by a crash while it was written (never acknowledged), or a length field someone
      // changed: the bytes are kept aside, not lost, and the log goes on from its last whole record
      Path aside = dir.resolve(FILE + ".dropped-" + System.currentTimeMillis());
      ByteBuffer tail = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, channel.size() - size));
      while (tail.hasRemaining() && channel.read(tail, size + tail.position()) >= 0) { }
      Files.write(aside, tail.array(), StandardOpenOption.CREATE_NEW);
      PrivateFiles.tighten(dir);
      LOG.warning(String.format("%s: the audit log ends with %d bytes that are no whole record; moved them to %s", file,
          channel.size() - size, aside));
      channel.truncate(size);
    }
    count = n[0];
    if (last[0] != null) head = AuditChain.hash(last[0]);
    channel.force(false); // records an earlier process wrote but never synced (done outcomes): on the disk before peers hear of them
    durable = size;
    durableHead = head;
    durableCount = count;
    syncer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "audit-sync");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * What peers are told when a session starts: the hash of the last record on the disk (or {@link AuditChain#GENESIS}).
   * Not the last one written: an outcome record waits for the next sync, and a peer must never vouch for a record
   * that a crash of this machine could still take back.
   */
  ByteString head() {
    return channel == null ? lastWritten() : durableHead;
  }

  private synchronized ByteString lastWritten() {
    return head;
  }

  /** A record as written: its hash, and where it ends in the file (what {@link #synced} waits for). */
  record Written(ByteString hash, long end) {}

  /**
   * Appends a record, chained to the one before, and returns its hash once it is on the disk (a refusal, a
   * failure). Writing is serialised (the chain needs an order); syncing is a group commit ({@link #sync}):
   * concurrent sessions' records share one {@code force}, and a caller returns only when a force that began after
   * its record was written has completed, so no such call is answered before its record is durable.
   */
  ByteString append(AuditRecord.Builder r) {
    Written w = write(r);
    if (channel != null) sync(w.end());
    return w.hash();
  }

  /** Appends a record, chained to the one before, without waiting for the disk: {@link #synced} does. */
  Written write(AuditRecord.Builder r) {
    synchronized (this) {
      if (broken != null) throw Errors.exhausted("party %s cannot write its audit log %s (%s); restart it", me, file, broken);
      byte[] bytes = r.setPrev(head).setSeq(count).setParty(me).build().toByteArray();
      if (channel != null) {
        ByteBuffer buf = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        try {
          for (long at = size; buf.hasRemaining(); ) at += channel.write(buf, at);
        } catch (IOException e) {
          try {
            channel.truncate(size); // no half record before the next one
          } catch (IOException ignored) {
            // the next start drops an incomplete tail
          }
          throw Errors.exhausted("party %s cannot write its audit log %s (%s)", me, file, e.getMessage());
        }
        size += buf.limit();
      } else {
        memory.add(bytes);
      }
      count++;
      head = AuditChain.hash(bytes);
      return new Written(head, size);
    }
  }

  /**
   * Completes once the file is on the disk up to {@code end}: a force on this log's own thread, so that a session
   * goes on meanwhile (its reply waits for this). Fails as {@link #sync} does.
   */
  CompletableFuture<Void> synced(long end) {
    if (channel == null || durable >= end) return CompletableFuture.completedFuture(null);
    try {
      return CompletableFuture.runAsync(() -> sync(end), syncer);
    } catch (RejectedExecutionException closing) { // the party is stopping: sync here
      sync(end);
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Makes the file durable up to {@code end}. One thread forces at a time, and a force covers every record
   * written before it began, so the sessions that finished meanwhile wait for that one force instead of each
   * queueing for its own. A failed force leaves it unknown which of the written records reached the disk: the
   * log cuts the file back to what is known to be durable and refuses every later record (fail-stop, as
   * after any lost fsync). The records cut belong to calls never answered, or are the outcomes of sessions that
   * were, whose intents (synced before they were answered) stay.
   */
  private void sync(long end) {
    if (durable >= end) return;
    synchronized (syncing) {
      if (durable >= end) return; // another thread's force covered this record
      long upTo, upToCount;
      ByteString upToHead;
      synchronized (this) {
        if (broken != null) throw Errors.exhausted("party %s cannot sync its audit log %s (%s); restart it", me, file, broken);
        upTo = size;
        upToHead = head;
        upToCount = count;
      }
      try {
        channel.force(false);
        synchronized (this) {
          durableCount = upToCount;
          durable = upTo;
          durableHead = upToHead;
        }
      } catch (IOException e) {
        synchronized (this) {
          broken = e.getMessage();
          size = durable; // the Audit call reads what the file keeps
          head = durableHead;
          count = durableCount;
          try {
            channel.truncate(durable);
          } catch (IOException ignored) {
            // the next start keeps what is whole
          }
        }
        throw Errors.exhausted("party %s cannot sync its audit log %s (%s)", me, file, e.getMessage());
      }
    }
  }

  /** Hands the records from {@code from} on to {@code batch}, a batch of about a megabyte at a time; returns the head they end with. */
  ByteString read(long from, Consumer<List<byte[]>> batch) throws IOException {
    long end;
    ByteString last;
    List<byte[]> inMemory;
    synchronized (this) {
      end = size;
      last = head;
      inMemory = channel == null ? List.copyOf(memory) : null;
    }
    List<byte[]> out = new ArrayList<>();
    int[] bytes = {0};
    long[] seq = {0};
    Consumer<byte[]> add = r -> {
      if (seq[0]++ < from) return;
      out.add(r);
      bytes[0] += r.length;
      if (bytes[0] >= CHUNK_BYTES) {
        batch.accept(List.copyOf(out));
        out.clear();
        bytes[0] = 0;
      }
    };
    if (inMemory != null) inMemory.forEach(add);
    else scan(end, add);
    if (!out.isEmpty()) batch.accept(out);
    return last;
  }

  /** The Audit call's reply: the records from {@code from} on, in chunks, the last one with the head. */
  List<smpc.proto.AuditChunk> chunks(long from) {
    List<smpc.proto.AuditChunk.Builder> out = new ArrayList<>();
    ByteString last;
    try {
      last = read(from, batch -> out.add(smpc.proto.AuditChunk.newBuilder().addAllRecords(batch.stream().map(ByteString::copyFrom).toList())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the audit log " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) out.add(smpc.proto.AuditChunk.newBuilder());
    out.get(out.size() - 1).setHead(last);
    return out.stream().map(smpc.proto.AuditChunk.Builder::build).toList();
  }

  /** Reads the file's whole records in its first {@code limit} bytes; returns where the last one ends. */
  private long scan(long limit, Consumer<byte[]> each) throws IOException {
    long at = 0;
    ByteBuffer len = ByteBuffer.allocate(4);
    while (at + 4 <= limit) {
      len.clear();
      while (len.hasRemaining()) if (channel.read(len, at + len.position()) < 0) break;
      int n = len.flip().getInt();
      if (n < 0 || at + 4 + n > limit) break;
      ByteBuffer r = ByteBuffer.allocate(n);
      while (r.hasRemaining()) if (channel.read(r, at + 4 + r.position()) < 0) break;
      each.accept(r.array());
      at += 4 + n;
    }
    return at;
  }

  /** Starts the record of an Execute call (see {@link AuditAttempt}). */
  AuditAttempt attempt(Authorizer.Principal caller, smpc.proto.ExecuteRequest asked, int fracBits,
      java.util.function.Function<String, smpc.proto.ValueInfo> stored, smpc.core.protocol.RevealRoutes routes) {
    return new AuditAttempt(this, caller, asked, fracBits, stored, routes);
  }

  /** Runs an authorisation check of a call outside sessions; a refusal is recorded before it reaches the caller. */
  void check(Authorizer.Principal caller, String call, String subject, Runnable rule) {
    check(caller, call, subject, () -> {
      rule.run();
      return null;
    });
  }

  <T> T check(Authorizer.Principal caller, String call, String subject, Supplier<T> rule) {
    try {
      return rule.get();
    } catch (RuntimeException e) {
      Status.Code code = Statuses.status(e).getStatus().getCode();
      if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.RESOURCE_EXHAUSTED) { // refused by a rule, or busy
        AuditRecord.Builder r = record(caller, call).setSubject(subject).setOutcome(AuditOutcome.AUDIT_REFUSED).setReason(reason(e));
        try {
          append(r);
        } catch (RuntimeException failed) {
          LOG.warning("could not record a refused " + call + ": " + failed.getMessage());
          e.addSuppressed(failed);
        }
      }
      throw e;
    }
  }

  /** A record's common header: when, and who called what. */
  static AuditRecord.Builder record(Authorizer.Principal caller, String call) {
    AuditRecord.Builder r = AuditRecord.newBuilder().setTimeUnixMs(System.currentTimeMillis()).setCall(call);
    if (caller != null) r.setPrincipal(caller.name()).setRole(caller.role());
    return r;
  }

  /** How a refusal or failure is recorded: its status code and message, as the caller got them. */
  static String reason(Throwable e) {
    Status s = Statuses.status(e).getStatus();
    return s.getCode() + ": " + (s.getDescription() != null ? s.getDescription() : String.valueOf(e.getMessage()));
  }

  @Override
  public void close() {
    if (channel == null) return;
    syncer.shutdown();
    long end;
    synchronized (this) {
      end = size;
    }
    try {
      sync(end); // the outcome records written since the last sync
    } catch (RuntimeException e) {
      LOG.warning("closing the audit log: " + e.getMessage());
    }
    synchronized (this) { // never in the middle of a record's write
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warning("closing the audit log: " + e.getMessage());
      }
    }
  }
}
