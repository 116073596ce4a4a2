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

  /** The value stored under {@code name}, or null. */
  StoredValue get(String name) {
    ValueInfo info = info(name);
    if (info == null) return null;
    try {
      return new StoredValue(info, db.data(info)); // outside the lock: a large read does not stall other calls
    } catch (IllegalStateException e) {
      if (info(name) != info) return get(name); // deleted or replaced meanwhile
      throw e;
    }
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
      if (old != null && !(s.replace() && replaceable(old))) throw exists("value '%s' already exists on %s", name, me);
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
      String names = values.stream().map(v -> "'" + v.info().getName() + "'").collect(java.util.stream.Collectors.joining(", "));
      throw exhausted("party %s: disk full storing %s (%s); `smpc rm` frees space", me, names, e.getMessage().replaceFirst("^disk full: ", ""));
    }
  }

  /** Only this party's own private value may be replaced by its share (the seed's share()). */
  private boolean replaceable(ValueInfo old) {
    return old.getKind() == Kind.PRIVATE && old.getOwner().equals(me);
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

  synchronized int size() {
    return infos.size();
  }

  @Override
  public synchronized void close() {
    db.close();
  }
}
