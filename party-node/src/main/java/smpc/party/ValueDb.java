package smpc.party;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksMemEnv;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import smpc.core.ring.Packing;
import smpc.proto.ValueInfo;

/**
 * A party's values in RocksDB: per name an info record (type, length, owner, holders, fractional bits)
 * and the raw little-endian data. Every change is one write batch with a synced write-ahead log, so an
 * acknowledged value survives SIGKILL and a batch of a session's outputs lands whole or not at all.
 * Data over 4 KiB goes to blob files, so large vectors are not rewritten by compaction.
 *
 * <p>A full disk must neither corrupt the store nor keep {@code rm} from freeing space: RocksDB turns a
 * failed write into a background error after which the database refuses every write, deletes included,
 * until reopened, and a delete needs space itself (its log record, then the compaction that drops the
 * data). So a write that would leave less than {@link #HEADROOM} free is refused before RocksDB sees it
 * ({@link DiskFull}), deletes are not, and they use the headroom. A batch with large data is flushed at
 * once, so that its blobs sit in a blob file of their own and its log is recycled; deleting its values then
 * makes the whole blob file garbage, which the compaction after the delete drops from the disk.
 */
final class ValueDb implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ValueDb.class.getName());
  private static final String INFO = "i:";
  private static final String DATA = "d:";
  /** Free space writes leave for deletes, flushes and compactions. */
  static final long HEADROOM = 32L << 20;

  /** A write refused because the volume is (nearly) full. */
  static final class DiskFull extends RuntimeException {
    DiskFull(String message) {
      super(message, null, false, false);
    }
  }

  static {
    RocksDB.loadLibrary();
  }

  private final Env env; // the in-memory environment when there is no directory, else null
  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final WriteOptions synced = new WriteOptions().setSync(true);
  // reads and writes share, close is exclusive: no call may touch the native handle after it is freed
  private final java.util.concurrent.locks.ReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  /** Opens (or creates) the database in {@code dir}, or one in memory only when dir is null. */
  ValueDb(Path dir) throws java.io.IOException {
    this.dir = dir;
    env = dir == null ? new RocksMemEnv(Env.getDefault()) : null;
    options = new Options().setCreateIfMissing(true).setEnableBlobFiles(true).setMinBlobSize(4096)
        .setEnableBlobGarbageCollection(true).setWriteBufferSize(32L << 20).setKeepLogFileNum(2);
    if (env != null) options.setEnv(env);
    try {
      db = RocksDB.open(options, dir == null ? "/smpc-memory" : PrivateFiles.directory(dir).toString());
    } catch (RocksDBException e) {
      options.close();
      throw new java.io.IOException("cannot open the value database in " + dir + ": " + e.getMessage(), e);
    }
    if (dir != null) PrivateFiles.tighten(dir);
  }

  /** Every stored value's info, in name order. */
  List<ValueInfo> infos() {
    List<ValueInfo> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(key(INFO, "")); it.isValid() && new String(it.key(), StandardCharsets.UTF_8).startsWith(INFO); it.next()) {
        out.add(parse(it.value()));
      }
    }
    LOG.info(() -> "loaded " + out.size() + " values");
    return out;
  }

  /** The data of a stored value, checked against its length. */
  long[] data(ValueInfo info) {
    byte[] bytes;
    lock.readLock().lock();
    try {
      open();
      bytes = db.get(key(DATA, info.getName()));
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read value '" + info.getName() + "': " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
    if (bytes == null || bytes.length != info.getLength() * 8) {
      throw new IllegalStateException("stored data of value '" + info.getName() + "' is missing or has the wrong length");
    }
    return Packing.fromBytes(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** Writes {@code puts} and deletes {@code deletes} in one synced batch. */
  void write(List<smpc.core.protocol.StoredValue> puts, List<String> deletes) {
    long bytes = puts.stream().mapToLong(v -> 8 * v.info().getLength() + v.info().getSerializedSize()).sum();
    lock.readLock().lock();
    try (WriteBatch b = new WriteBatch()) {
      open();
      if (dir != null && !puts.isEmpty()) {
        long free = java.nio.file.Files.getFileStore(dir).getUsableSpace();
        if (free < bytes + HEADROOM) {
          throw new DiskFull(String.format("disk full: %d MiB free in %s, %d MiB to write and %d MiB kept for deletes",
              free >> 20, dir, (bytes + (1 << 20) - 1) >> 20, HEADROOM >> 20));
        }
      }
      for (String name : deletes) {
        b.delete(key(INFO, name));
        b.delete(key(DATA, name));
      }
      for (smpc.core.protocol.StoredValue v : puts) {
        b.put(key(DATA, v.info().getName()), Packing.toBytes(v.data()));
        b.put(key(INFO, v.info().getName()), v.info().toByteArray());
      }
      db.write(synced, b);
      if (dir != null && bytes >= 4096) {
        try (org.rocksdb.FlushOptions now = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
          db.flush(now);
        }
      }
      if (dir != null && !deletes.isEmpty()) {
        for (String name : deletes) db.compactRange(key(DATA, name), key(DATA, name + "\0"));
      }
      if (dir != null) PrivateFiles.tighten(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot check the free space in " + dir + ": " + e.getMessage(), e);
    } catch (RocksDBException e) {
      if (e.getStatus() != null && e.getStatus().getSubCode() == org.rocksdb.Status.SubCode.NoSpace) {
        throw new DiskFull("disk full: " + e.getMessage());
      }
      throw new IllegalStateException("cannot store values: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void open() {
    if (closed) throw new IllegalStateException("the value database is closed (the party is shutting down)");
  }

  private static byte[] key(String kind, String name) {
    return (kind + name).getBytes(StandardCharsets.UTF_8);
  }

  private static ValueInfo parse(byte[] bytes) {
    try {
      return ValueInfo.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored value's info is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
    } finally {
      lock.writeLock().unlock();
    }
    db.close();
    synced.close();
    options.close();
    if (env != null) env.close();
  }
}
