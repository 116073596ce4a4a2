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
  private volatile int count; // infos.size(), written under this object's lock
  private final String me;
  private final ValueDb db;

  /** A store that keeps its values in {@code dir} across restarts (or in memory only when dir is null). */
  ValueStore(String me, java.nio.file.Path dir) throws java.io.IOException {
    this.me = me;
    this.db = new ValueDb(dir);
    for (ValueInfo i : db.infos()) keep(i);
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
      if (gen == null) return new StoredValue(info, db.data(info)); // written whole, by a version before segments
      return StoredValue.read(info, new Segments(db, info, gen));
    } catch (IllegalStateException e) {
      if (info(name) != info) return get(name); // deleted or replaced meanwhile
      throw e;
    }
  }

  /** Reads a segmented value, keeping the last segment read (blocks and chunks read in order). */
  private static class Segments implements StoredValue.Slices {
    private final ValueDb db;
    private final ValueInfo info;
    final long gen;
    private int index = -1;
    private long[] segment;

    Segments(ValueDb db, ValueInfo info, long gen) {
      this.db = db;
      this.info = info;
      this.gen = gen;
    }

    @Override
    public synchronized long[] read(long from, int count) {
      if (from % ValueDb.SEGMENT == 0 && count == Math.min(ValueDb.SEGMENT, info.getLength() - from)) {
        return db.segment(info, gen, (int) (from / ValueDb.SEGMENT)); // a streamed plan's block: the segment itself, fresh
      }
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

  /** Segments written by a session that its commit has yet to make a value ({@link #commit} adds them). */
  private static final class Staged extends Segments {
    Staged(ValueDb db, ValueInfo info, long gen) {
      super(db, info, gen);
    }
  }

  /**
   * Writes a value as it arrives, a segment at a time once it is longer than one, so that a long vector is never
   * held whole: an Input's chunks ({@link #append}, then {@link #add}), or the blocks of a value a streamed session
   * keeps ({@link #write}, then {@link #finish}, and the session's commit adds it). {@link #abort} drops what was written.
   */
  final class Ingest implements StoredValue.Writer {
    private final String name;
    private final long length;
    private final long gen = ValueDb.newGeneration();
    private final long[] buffer;
    private int filled;
    private int segments;
    private long received;

    private Ingest(String name, long length) {
      this.name = name;
      this.length = length;
      this.buffer = new long[(int) Math.min(length, ValueDb.SEGMENT)];
    }

    /** Appends packed little-endian int64s; refuses more than the value's length. */
    void append(java.nio.ByteBuffer packed) {
      put(packed.order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer(), "input");
    }

    @Override
    public void write(long[] block) {
      put(java.nio.LongBuffer.wrap(block), "value");
    }

    /** Copies {@code in} into the segment buffer, writing each segment as it fills; refuses more than the length. */
    private void put(java.nio.LongBuffer in, String what) {
      if (received + in.remaining() > length) throw invalid("%s '%s' has more data than its length %d", what, name, length);
      while (in.hasRemaining()) {
        int n = Math.min(in.remaining(), buffer.length - filled);
        in.get(buffer, filled, n);
        filled += n;
        received += n;
        if (filled == buffer.length && ValueDb.segmented(length)) flush();
      }
    }

    private void flush() {
      try {
        db.writeSegment(name, gen, segments++, buffer, 0, filled);
      } catch (ValueDb.DiskFull e) {
        throw full("'" + name + "'", e);
      }
      filled = 0;
    }

    private void complete() {
      if (received != length) throw invalid("input '%s' has %d of its %d elements", name, received, length);
      if (filled > 0 && ValueDb.segmented(length)) flush(); // the last, shorter segment
    }

    /** The value written, to keep by the session's commit. */
    @Override
    public StoredValue finish(ValueInfo info) {
      complete();
      return ValueDb.segmented(length) ? StoredValue.read(info, new Staged(db, info, gen)) : new StoredValue(info, buffer);
    }

    /** Adds an Input's value once every element arrived (refused if its name was taken meanwhile). */
    void add(ValueInfo info) {
      complete();
      if (!ValueDb.segmented(length)) {
        putNew(new StoredValue(info, buffer));
        return;
      }
      synchronized (ValueStore.this) {
        if (infos.containsKey(name)) throw exists("value '%s' already exists on %s", name, me);
        try {
          db.addSegmented(info, gen);
        } catch (ValueDb.DiskFull e) {
          throw full("'" + name + "'", e);
        }
        keep(info);
      }
    }

    void abort() {
      if (segments > 0) db.dropSegments(name, gen);
    }
  }

  /** Starts writing a new private value (its name checked free now, and again when it is added). */
  Ingest ingest(ValueInfo info) {
    checkName(info.getName());
    if (info(info.getName()) != null) throw exists("value '%s' already exists on %s", info.getName(), me);
    return new Ingest(info.getName(), info.getLength());
  }

  /** Starts writing a value a streamed session keeps (its commit checks the name, as for any output). */
  Ingest stage(String name, long length) {
    return new Ingest(checkName(name), length);
  }

  synchronized void putNew(StoredValue v) {
    String name = checkName(v.info().getName());
    if (infos.containsKey(name)) throw exists("value '%s' already exists on %s", name, me);
    write(List.of(v));
    keep(v.info());
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
    for (StoredValue v : values) keep(v.info());
  }

  /**
   * Stores a session's values as {@link #commit} does, each marked with the session that stored it, so
   * that if the session fails elsewhere its coordinator deletes exactly these and never a value of the
   * same name that a concurrent session stored ({@link #delete(String, com.google.protobuf.ByteString)}).
   */
  void commit(com.google.protobuf.ByteString session, List<PlanRunner.Store> batch) {
    commit(batch.stream().map(s -> new PlanRunner.Store(s.value().withInfo(s.value().info().toBuilder().setSessionId(session).build()),
        s.replace())).toList());
  }

  private void write(List<StoredValue> values) {
    java.util.Map<String, Long> staged = new java.util.HashMap<>(); // segments a session already wrote
    for (StoredValue v : values) if (v.slices() instanceof Staged st) staged.put(v.info().getName(), st.gen);
    try {
      db.write(values, List.of(), staged);
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
    try {
      db.write(List.of(), List.of(name)); // the database first: a failed delete must not resurrect the value later
    } catch (ValueDb.DiskFull e) {
      throw exhausted("party %s: disk full deleting '%s' (%s)", me, name, e.getMessage().replaceFirst("^disk full: ", ""));
    }
    infos.remove(name);
    count = infos.size();
    return true;
  }

  synchronized List<ValueInfo> list() {
    return List.copyOf(infos.values());
  }

  /** Segments on disk, whether or not a value names them (for tests of the clean-up). */
  int segmentCount() {
    return db.segmentCount();
  }

  /** Lists a value (under this object's lock), its count kept beside for {@link #size}. */
  private void keep(ValueInfo info) {
    infos.put(info.getName(), info);
    count = infos.size();
  }

  /** Without the store's lock, which a commit holds while it syncs: Status reads it on a network thread. */
  int size() {
    return count;
  }

  @Override
  public synchronized void close() {
    db.close();
  }
}
