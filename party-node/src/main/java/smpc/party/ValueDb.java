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
 * <p>A vector longer than a {@link #SEGMENT} is kept in segments of that many elements, written one at a time
 * before the batch that adds its info, and read a segment at a time, so that neither writing nor reading it
 * ever holds it whole: a streamed plan reads one block, a download one chunk. Its segments' keys carry a
 * random generation that the info's batch records ({@code g:}), so a replacement never overwrites the segments
 * of the value it replaces, and segments that no generation record names (a write cut off by a crash or a
 * full disk) are deleted when the database opens.
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
  private static final String GENERATION = "g:";
  private static final String SEGMENTS = "e:";
  /** Elements in a segment of a long vector: 8 MiB, a block of a streamed plan ({@code Blocks.DEFAULT}). */
  static final int SEGMENT = 1 << 20;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
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
  private final org.rocksdb.ReadOptions reads = new org.rocksdb.ReadOptions();
  /**
   * Each reading thread's key and segment buffers, outside the Java heap: a segment goes from RocksDB straight
   * into the array it is read into, instead of through an 8 MiB byte[] of garbage per block.
   */
  private static final ThreadLocal<ByteBuffer[]> BUFFERS = ThreadLocal.withInitial(() -> new ByteBuffer[] {
      ByteBuffer.allocateDirect(1024), ByteBuffer.allocateDirect(8 * SEGMENT).order(ByteOrder.LITTLE_ENDIAN)});
  // reads and writes share, close is exclusive: no call may touch the native handle after it is freed
  private final java.util.concurrent.locks.ReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  /** Opens (or creates) the database in {@code dir}, or one in memory only when dir is null. */
  ValueDb(Path dir) throws java.io.IOException {
    this.dir = dir;
    env = dir == null ? new RocksMemEnv(Env.getDefault()) : null;
    // blob garbage collection off: it would relocate live blobs during the compaction after a delete, so that
    // freeing space first needed space (on a full disk the delete failed); a blob file whose values are all
    // deleted is dropped whole without it
    options = new Options().setCreateIfMissing(true).setEnableBlobFiles(true).setMinBlobSize(4096)
        .setEnableBlobGarbageCollection(false).setWriteBufferSize(32L << 20).setKeepLogFileNum(2);
    if (env != null) options.setEnv(env);
    try {
      db = RocksDB.open(options, dir == null ? "/smpc-memory" : PrivateFiles.directory(dir).toString());
    } catch (RocksDBException e) {
      options.close();
      throw new java.io.IOException("cannot open the value database in " + dir + ": " + e.getMessage(), e);
    }
    dropOrphanSegments();
    if (dir != null) PrivateFiles.tighten(dir);
  }

  /** Whether a value of {@code length} elements is kept in segments. */
  static boolean segmented(long length) {
    return length > SEGMENT;
  }

  /** A fresh generation for a segmented value's segments. */
  static long newGeneration() {
    return RANDOM.nextLong();
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

  /** The data of a stored value of one segment, checked against its length. */
  long[] data(ValueInfo info) {
    byte[] bytes = get(key(DATA, info.getName()), info.getName());
    if (bytes == null || bytes.length != info.getLength() * 8) {
      throw new IllegalStateException("stored data of value '" + info.getName() + "' is missing or has the wrong length");
    }
    return Packing.fromBytes(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The generation of a segmented value's segments, or null when the value is gone. */
  Long generation(String name) {
    byte[] g = get(key(GENERATION, name), name);
    return g == null ? null : ByteBuffer.wrap(g).getLong();
  }

  /** Segment {@code k} of a segmented value whose segments have generation {@code gen}. */
  long[] segment(ValueInfo info, long gen, int k) {
    long want = Math.min(SEGMENT, info.getLength() - (long) k * SEGMENT);
    ByteBuffer[] buffers = BUFFERS.get();
    ByteBuffer key = buffers[0].clear().put(segmentKey(info.getName(), gen, k)).flip();
    ByteBuffer value = buffers[1].clear();
    int size;
    lock.readLock().lock();
    try {
      open();
      size = db.get(reads, key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read value '" + info.getName() + "': " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
    if (size != want * 8) throw smpc.core.Errors.aborted("value '%s' was deleted or replaced while it was read", info.getName());
    long[] out = new long[(int) want];
    value.position(0).limit(size).asLongBuffer().get(out);
    return out;
  }

  private byte[] get(byte[] key, String name) {
    lock.readLock().lock();
    try {
      open();
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read value '" + name + "': " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Writes segment {@code k} of a segmented value from {@code data[from, from + count)}, not synced: the synced
   * batch that adds the value's info makes the log durable up to it, and only that batch makes it a value.
   */
  void writeSegment(String name, long gen, int k, long[] data, int from, int count) {
    long[] part = from == 0 && count == data.length ? data : java.util.Arrays.copyOfRange(data, from, from + count);
    lock.readLock().lock();
    try {
      open();
      checkSpace(8L * count);
      db.put(segmentKey(name, gen, k), Packing.toBytes(part));
    } catch (RocksDBException e) {
      throw failed(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Deletes the segments of one generation of a value (a write that did not complete, or a replaced value). */
  void dropSegments(String name, long gen) {
    lock.readLock().lock();
    try {
      if (closed) return;
      db.deleteRange(segmentKey(name, gen, 0), segmentKey(name, gen, Integer.MAX_VALUE));
    } catch (RocksDBException e) {
      LOG.warning(() -> "could not drop the unused segments of '" + name + "': " + e.getMessage());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes {@code puts} and deletes {@code deletes} in one synced batch (a long vector's segments just before it). */
  void write(List<smpc.core.protocol.StoredValue> puts, List<String> deletes) {
    write(puts, deletes, java.util.Map.of());
  }

  /** As {@link #write(List, List)}, where {@code staged} names the puts whose segments were written already, by generation. */
  void write(List<smpc.core.protocol.StoredValue> puts, List<String> deletes, java.util.Map<String, Long> staged) {
    java.util.Map<String, Long> written = new java.util.HashMap<>();
    lock.readLock().lock();
    try {
      open();
      checkSpace(puts.stream().filter(v -> !staged.containsKey(v.info().getName()))
          .mapToLong(v -> 8 * v.info().getLength() + v.info().getSerializedSize()).sum());
      for (smpc.core.protocol.StoredValue v : puts) {
        if (!segmented(v.info().getLength()) || staged.containsKey(v.info().getName())) continue;
        long gen = newGeneration();
        written.put(v.info().getName(), gen);
        long[] data = v.data();
        for (int k = 0; (long) k * SEGMENT < data.length; k++) {
          writeSegment(v.info().getName(), gen, k, data, k * SEGMENT, Math.min(SEGMENT, data.length - k * SEGMENT));
        }
      }
      java.util.Map<String, Long> all = new java.util.HashMap<>(staged);
      all.putAll(written);
      batch(puts, all, deletes);
    } catch (RuntimeException e) {
      written.forEach(this::dropSegments);
      throw e;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Adds a value whose segments {@link #writeSegment} wrote with generation {@code gen}, in one synced batch. */
  void addSegmented(ValueInfo info, long gen) {
    batch(List.of(new smpc.core.protocol.StoredValue(info, (long[]) null)), java.util.Map.of(info.getName(), gen), List.of());
  }

  /**
   * The one synced batch of a change: infos, whole data or the generation of segments already written
   * ({@code written}), deletes; then drops the segments that the replaced or deleted values leave behind.
   */
  private void batch(List<smpc.core.protocol.StoredValue> puts, java.util.Map<String, Long> written, List<String> deletes) {
    long bytes = puts.stream().mapToLong(v -> written.containsKey(v.info().getName()) ? 0 : 8 * v.info().getLength()).sum();
    java.util.Map<String, Long> replaced = new java.util.HashMap<>();
    lock.readLock().lock();
    try (WriteBatch b = new WriteBatch()) {
      open();
      for (String name : deletes) {
        Long old = generation(name);
        if (old != null) replaced.put(name, old);
        b.delete(key(INFO, name));
        b.delete(key(DATA, name));
        b.delete(key(GENERATION, name));
      }
      for (smpc.core.protocol.StoredValue v : puts) {
        String name = v.info().getName();
        Long old = generation(name);
        if (old != null) replaced.put(name, old);
        Long gen = written.get(name);
        if (gen != null) {
          b.delete(key(DATA, name));
          b.put(key(GENERATION, name), ByteBuffer.allocate(8).putLong(gen).array());
        } else {
          b.delete(key(GENERATION, name));
          b.put(key(DATA, name), Packing.toBytes(v.data()));
        }
        b.put(key(INFO, name), v.info().toByteArray());
      }
      db.write(synced, b);
      replaced.forEach(this::dropSegments);
      if (dir != null && (bytes >= 4096 || !written.isEmpty())) {
        try (org.rocksdb.FlushOptions now = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
          db.flush(now);
        }
      }
      if (dir != null) {
        for (String name : deletes) db.compactRange(key(DATA, name), key(DATA, name + "\0"));
        for (var e : replaced.entrySet()) {
          db.compactRange(segmentKey(e.getKey(), e.getValue(), 0), segmentKey(e.getKey(), e.getValue(), Integer.MAX_VALUE));
        }
        PrivateFiles.tighten(dir);
      }
    } catch (RocksDBException e) {
      throw failed(e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Refuses a write of {@code bytes} that would leave less than {@link #HEADROOM} free. */
  private void checkSpace(long bytes) {
    if (dir == null || bytes == 0) return;
    long free;
    try {
      free = java.nio.file.Files.getFileStore(dir).getUsableSpace();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot check the free space in " + dir + ": " + e.getMessage(), e);
    }
    if (free < bytes + HEADROOM) {
      throw new DiskFull(String.format("disk full: %d MiB free in %s, %d MiB to write and %d MiB kept for deletes",
          free >> 20, dir, (bytes + (1 << 20) - 1) >> 20, HEADROOM >> 20));
    }
  }

  private static RuntimeException failed(RocksDBException e) {
    if (e.getStatus() != null && e.getStatus().getSubCode() == org.rocksdb.Status.SubCode.NoSpace) {
      return new DiskFull("disk full: " + e.getMessage());
    }
    return new IllegalStateException("cannot store values: " + e.getMessage(), e);
  }

  /** Deletes segments that no value's generation names: what a write cut off by a crash left. */
  private void dropOrphanSegments() {
    record Orphan(String name, long gen) {}
    byte[] prefix = SEGMENTS.getBytes(StandardCharsets.UTF_8);
    List<Orphan> orphans = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      it.seek(prefix);
      while (it.isValid()) {
        byte[] k = it.key();
        if (k.length < prefix.length + 13 || !java.util.Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) break;
        String name = new String(k, prefix.length, k.length - prefix.length - 13, StandardCharsets.UTF_8);
        long gen = ByteBuffer.wrap(k, k.length - 12, 8).getLong();
        Long live = generation(name);
        if (live == null || live != gen) orphans.add(new Orphan(name, gen));
        it.seek(segmentKey(name, gen, Integer.MAX_VALUE)); // past this generation's segments without reading them
      }
    }
    for (Orphan o : orphans) {
      dropSegments(o.name(), o.gen());
      LOG.info(() -> "dropped the segments of an unfinished write of '" + o.name() + "'");
    }
  }

  /** How many segments the database holds, of any value or none (what a test of the clean-up counts). */
  int segmentCount() {
    byte[] prefix = SEGMENTS.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(prefix); it.isValid() && java.util.Arrays.equals(it.key(), 0, prefix.length, prefix, 0, prefix.length); it.next()) n++;
    }
    return n;
  }

  private static byte[] segmentKey(String name, long gen, int k) {
    byte[] n = key(SEGMENTS, name);
    return ByteBuffer.allocate(n.length + 13).put(n).put((byte) 0).putLong(gen).putInt(k).array();
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
    reads.close();
    options.close();
    if (env != null) env.close();
  }
}
