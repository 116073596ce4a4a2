package smpc.party;

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

/** A party's named values: its private values and its shares of shared values. */
final class ValueStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

  private final Map<String, StoredValue> values = new TreeMap<>();
  private final String me;
  private final ValueFiles files; // null: memory only

  /** A store that keeps its values in {@code dir} across restarts (or in memory only when dir is null). */
  ValueStore(String me, java.nio.file.Path dir) throws java.io.IOException {
    this.me = me;
    this.files = dir == null ? null : new ValueFiles(dir);
    if (files != null) for (StoredValue v : files.readAll()) values.put(v.info().getName(), v);
  }

  static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw invalid("invalid value name '%s': use a letter or '_' then letters, digits, '_', '.', '-' (at most 128)", name);
    }
    return name;
  }

  synchronized StoredValue get(String name) {
    return values.get(name);
  }

  synchronized void putNew(StoredValue v) {
    String name = checkName(v.info().getName());
    if (values.containsKey(name)) throw exists("value '%s' already exists on %s", name, me);
    if (files != null) files.write(v);
    values.put(name, v);
  }

  /** Checks that every value can be committed, before any session traffic. */
  synchronized void checkCommit(List<PlanRunner.Store> batch) {
    for (PlanRunner.Store s : batch) {
      String name = checkName(s.value().info().getName());
      StoredValue old = values.get(name);
      if (old != null && !(s.replace() && replaceable(old))) throw exists("value '%s' already exists on %s", name, me);
    }
  }

  /** Stores all values of a finished session at once, or none. */
  synchronized void commit(List<PlanRunner.Store> batch) {
    checkCommit(batch);
    List<StoredValue> written = new java.util.ArrayList<>();
    try {
      for (PlanRunner.Store s : batch) {
        if (files != null) files.write(s.value());
        written.add(s.value());
      }
    } catch (RuntimeException e) { // all or nothing: put back what was there before
      for (StoredValue w : written) {
        StoredValue old = values.get(w.info().getName());
        if (old != null) files.write(old);
        else files.delete(w.info().getName());
      }
      throw e;
    }
    for (StoredValue v : written) values.put(v.info().getName(), v);
  }

  /** Only this party's own private value may be replaced by its share (the seed's share()). */
  private boolean replaceable(StoredValue old) {
    return old.info().getKind() == Kind.PRIVATE && old.info().getOwner().equals(me);
  }

  synchronized boolean delete(String name) {
    if (!values.containsKey(name)) return false;
    if (files != null) files.delete(name); // the file first: a failed delete must not resurrect the value later
    values.remove(name);
    return true;
  }

  synchronized List<ValueInfo> list() {
    return values.values().stream().map(StoredValue::info).toList();
  }

  synchronized int size() {
    return values.size();
  }
}
