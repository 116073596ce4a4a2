package smpc.party;

import static smpc.core.Errors.exhausted;
import static smpc.core.Errors.exists;
import static smpc.core.Errors.invalid;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * A party's named values: its private values and its shares of shared values. The infos are kept in
 * memory; the data is read from the database when a session or a client needs it.
 */
final class ValueStore implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

  /** Elements a long vector's segment, and an input's buffer, hold. */
  static final int SEGMENT = ValueDb.SEGMENT;

  private final Map<String, ValueInfo> infos = new TreeMap<>();
  private final String me;
  private final ValueDb db;

  /** A store that keeps its values in {@code dir} across restarts (or in memory only when dir is null). */
  ValueStore(String me, java.nio.file.Path dir) throws java.io.IOException {
    this.me = me;
    this.db = new ValueDb(dir);
    for (ValueInfo i : db.infos()) infos.put(i.getName(), i);
  }

  static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw invalid("invalid value name '%s': use a letter or '_' then letters, digits, '_', '.', '-' (at most 128)", name);
    }
    return name;
  }

  /** What is stored under {@code name} (without reading its data), or null. */
  synchronized ValueInfo info(String name) {
    return infos.get(name);
  }

  /**
   * The value stored under {@code name}, or null: read now when it is one segment, else a reader of its
   * segments (a session or a download reads it a block or chunk at a time).
   */
  StoredValue get(String name) {
    ValueInfo info = info(name);
    if (info == null) return null;
    try {
      if (!ValueDb.segmented(info.getLength())) return new StoredValue(info, db.data(info)); // outside the lock: a large read does not stall other calls
      Long gen = db.generation(name);
      if (gen == null) throw new IllegalStateException("value '" + name + "' has no segments");
      return StoredValue.read(info, new Segments(db, info, gen));
    } catch (IllegalStateException e) {
      if (info(name) != info) return get(name); // deleted or replaced meanwhile
      throw e;
    }
  }

  /** Reads a segmented value, keeping the last segment read (blocks and chunks read in order). */
  private static final class Segments implements StoredValue.Slices {
    private final ValueDb db;
    private final ValueInfo info;
    private final long gen;
    private int index = -1;
    private long[] segment;

    Segments(ValueDb db, ValueInfo info, long gen) {
      this.db = db;
      this.info = info;
      this.gen = gen;
    }

    @Override
    public synchronized long[] read(long from, int count) {
      long[] out = new long[count];
      for (int done = 0; done < count;) {
        long at = from + done;
        int k = (int) (at / ValueDb.SEGMENT);
        if (k != index) {
          segment = db.segment(info, gen, k);
          index = k;
        }
        int off = (int) (at - (long) k * ValueDb.SEGMENT);
        int n = Math.min(count - done, segment.length - off);
        System.arraycopy(segment, off, out, done, n);
        done += n;
      }
      return out;
    }
  }

  /**
   * Writes a new private value as its chunks arrive (an Input), a segment at a time once it is longer than
   * one, so that a long input is never held whole; {@link #finish} adds it, {@link #abort} drops what was written.
   */
  final class Ingest {
    private final ValueInfo info;
    private final long gen = ValueDb.newGeneration();
    private final long[] buffer;
    private int filled;
    private int segments;
    private long received;

    private Ingest(ValueInfo info) {
      this.info = info;
      this.buffer = new long[(int) Math.min(info.getLength(), ValueDb.SEGMENT)];
    }

    /** Appends packed little-endian int64s; refuses more than the value's length. */
    void append(java.nio.ByteBuffer packed) {
      java.nio.LongBuffer in = packed.order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
      if (received + in.remaining() > info.getLength()) throw invalid("input '%s' has more data than its length %d", info.getName(), info.getLength());
      while (in.hasRemaining()) {
        int n = Math.min(in.remaining(), buffer.length - filled);
        in.get(buffer, filled, n);
        filled += n;
        received += n;
        if (filled == buffer.length && ValueDb.segmented(info.getLength())) {
          try {
            db.writeSegment(info.getName(), gen, segments++, buffer, 0, filled);
          } catch (ValueDb.DiskFull e) {
            throw full("'" + info.getName() + "'", e);
          }
          filled = 0;
        }
      }
    }

    /** Adds the value once every element arrived (refused if its name was taken meanwhile). */
    void finish() {
      if (received != info.getLength()) throw invalid("input '%s' has %d of its %d elements", info.getName(), received, info.getLength());
      if (!ValueDb.segmented(info.getLength())) {
        putNew(new StoredValue(info, buffer));
        return;
      }
      synchronized (ValueStore.this) {
        if (infos.containsKey(info.getName())) throw exists("value '%s' already exists on %s", info.getName(), me);
        try {
          if (filled > 0) db.writeSegment(info.getName(), gen, segments++, buffer, 0, filled); // the last, shorter segment
          filled = 0;
          db.addSegmented(info, gen);
        } catch (ValueDb.DiskFull e) {
          throw full("'" + info.getName() + "'", e);
        }
        infos.put(info.getName(), info);
      }
    }

    void abort() {
      if (segments > 0) db.dropSegments(info.getName(), gen);
    }
  }

  /** Starts writing a new private value (its name checked free now, and again when it is added). */
  Ingest ingest(ValueInfo info) {
    checkName(info.getName());
    if (info(info.getName()) != null) throw exists("value '%s' already exists on %s", info.getName(), me);
    return new Ingest(info);
  }

  synchronized void putNew(StoredValue v) {
    String name = checkName(v.info().getName());
    if (infos.containsKey(name)) throw exists("value '%s' already exists on %s", name, me);
    write(List.of(v));
    infos.put(name, v.info());
  }

  /** Checks that every value can be committed, before any session traffic. */
  synchronized void checkCommit(List<PlanRunner.Store> batch) {
    for (PlanRunner.Store s : batch) {
      String name = checkName(s.value().info().getName());
      ValueInfo old = infos.get(name);
      if (old != null && !(s.replace() && replaceable(old, s.value().info()))) throw exists("value '%s' already exists on %s", name, me);
    }
  }

  /** Stores all values of a finished session at once (one database batch), or none. */
  synchronized void commit(List<PlanRunner.Store> batch) {
    if (batch.isEmpty()) return; // most sessions only reveal: no synced write (an fsync) on their path
    checkCommit(batch);
    List<StoredValue> values = batch.stream().map(PlanRunner.Store::value).toList();
    write(values);
    for (StoredValue v : values) infos.put(v.info().getName(), v.info());
  }

  /**
   * Stores a session's values as {@link #commit} does, each marked with the session that stored it, so
   * that if the session fails elsewhere its coordinator deletes exactly these and never a value of the
   * same name that a concurrent session stored ({@link #delete(String, com.google.protobuf.ByteString)}).
   */
  void commit(com.google.protobuf.ByteString session, List<PlanRunner.Store> batch) {
    commit(batch.stream().map(s -> new PlanRunner.Store(new StoredValue(s.value().info().toBuilder().setSessionId(session).build(),
        s.value().data()), s.replace())).toList());
  }

  private void write(List<StoredValue> values) {
    try {
      db.write(values, List.of());
    } catch (ValueDb.DiskFull e) {
      throw full(values.stream().map(v -> "'" + v.info().getName() + "'").collect(java.util.stream.Collectors.joining(", ")), e);
    }
  }

  private RuntimeException full(String names, ValueDb.DiskFull e) {
    return exhausted("party %s: disk full storing %s (%s); `smpc rm` frees space", me, names, e.getMessage().replaceFirst("^disk full: ", ""));
  }

  /**
   * Only this party's own private value may be replaced, by its share (the seed's share()) kept by its owner:
   * a value stored meanwhile under a name a session may replace is not another's to replace. (Planned
   * stores, checked before the session runs, carry no owner yet.)
   */
  private boolean replaceable(ValueInfo old, ValueInfo replacement) {
    boolean sameOwner = replacement.getOwner().isEmpty() || replacement.getOwner().equals(old.getOwner());
    return old.getKind() == Kind.PRIVATE && old.getOwner().equals(me) && sameOwner;
  }

  /** Deletes {@code name}; with a session id only if that session stored it. */
  synchronized boolean delete(String name, com.google.protobuf.ByteString session) {
    if (!session.isEmpty() && infos.containsKey(name) && !infos.get(name).getSessionId().equals(session)) return false;
    return delete(name);
  }

  synchronized boolean delete(String name) {
    if (!infos.containsKey(name)) return false;
    db.write(List.of(), List.of(name)); // the database first: a failed delete must not resurrect the value later
    infos.remove(name);
    return true;
  }

  synchronized List<ValueInfo> list() {
    return List.copyOf(infos.values());
  }

  /** Segments on disk, whether or not a value names them (for tests of the clean-up). */
  int segmentCount() {
    return db.segmentCount();
  }

  synchronized int size() {
    return infos.size();
  }

  @Override
  public synchronized void close() {
    db.close();
  }
}
