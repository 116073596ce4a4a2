package smpc.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** What every party stores, by name (metadata only: the coordinator never sees data or shares). */
public final class Catalog {
  private final Map<String, Map<String, ValueInfo>> byName = new TreeMap<>(); // name -> party -> info
  private final java.util.Set<String> unseen = new java.util.HashSet<>(); // parties that list their values only to their own client
  private final java.util.Set<String> down = new java.util.TreeSet<>(); // parties that did not answer (Values.catalogOfThoseUp)

  void add(String party, List<ValueInfo> values) {
    for (ValueInfo v : values) byName.computeIfAbsent(v.getName(), n -> new LinkedHashMap<>()).put(party, v);
  }

  /** A party that would not tell this client its names: its shares are taken on trust (it checks them itself). */
  void unseen(String party) {
    unseen.add(party);
  }

  void down(String party) {
    down.add(party);
  }

  /** The parties that did not answer when this catalog was asked for leniently: their names are not in it. */
  public java.util.Set<String> down() {
    return java.util.Collections.unmodifiableSet(down);
  }

  private List<String> others = List.of(); // parties not asked (not computing): a name held only there is not here

  void notAsked(List<String> parties) {
    others = List.copyOf(parties);
  }

  /** What a missing name may mean when some parties did not list their values, or were not asked (not computing). */
  String unseenNote() {
    String note = unseen.isEmpty() ? "" : " (" + String.join(", ", new java.util.TreeSet<>(unseen)) + " list their values only to their own client)";
    if (!others.isEmpty()) {
      note += " (" + String.join(", ", others) + (others.size() == 1 ? " is" : " are") + " not among the computing parties: a value held"
          + " there needs " + (others.size() == 1 ? "it" : "them") + " in --parties)";
    }
    return note;
  }

  /** What to add to "unknown value name 'x'": the closest stored name, and which parties did not list theirs. */
  public String hint(String name) {
    return Names.didYouMean(name, byName.keySet().stream().filter(n -> !n.startsWith("_sdk_")).toList()) + unseenNote();
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Parties holding an entry of that name. */
  public List<String> holders(String name) {
    return new ArrayList<>(byName.getOrDefault(name, Map.of()).keySet());
  }

  /** Every name, with what each party holding it says about it. */
  public Map<String, Map<String, ValueMeta>> all() {
    Map<String, Map<String, ValueMeta>> out = new TreeMap<>();
    byName.forEach((name, entries) -> {
      Map<String, ValueMeta> m = new LinkedHashMap<>();
      entries.forEach((p, v) -> m.put(p, ValueMeta.of(v)));
      out.put(name, m);
    });
    return out;
  }

  /**
   * The value a name denotes: a private value (with its owner) or a complete shared value (with its
   * parties), or null when no party has it.
   */
  public ValueMeta resolve(String name) {
    ValueInfo v = info(name);
    return v == null ? null : ValueMeta.of(v);
  }

  /** As {@link #resolve}, in the plan's vocabulary (what the compiler reads). */
  ValueInfo info(String name) {
    Map<String, ValueInfo> entries = byName.get(name);
    if (entries == null) return null;
    List<ValueInfo> priv = entries.values().stream().filter(v -> v.getKind() == Kind.PRIVATE).toList();
    List<ValueInfo> shared = entries.values().stream().filter(v -> v.getKind() == Kind.SHARED).toList();
    if (priv.size() + (shared.isEmpty() ? 0 : 1) > 1) {
      // a plain `smpc rm` removes the name everywhere: name the command that removes one party's only
      String one = entries.entrySet().stream().filter(e -> e.getValue() == priv.get(0)).findFirst().orElseThrow().getKey();
      throw SmpcException.usage("name '%s' is ambiguous: it is held as %s; `smpc --as %s rm %s` removes %s's only (a plain `smpc rm`"
          + " removes every one)", name, describe(entries), one, name, one);
    }
    if (!priv.isEmpty()) return priv.get(0);
    ValueInfo s = shared.get(0);
    for (String p : s.getPartiesList()) {
      ValueInfo mine = entries.get(p);
      if (mine == null && unseen.contains(p)) continue;
      if (mine == null || mine.getKind() != Kind.SHARED || !mine.getPartiesList().equals(s.getPartiesList())
          || mine.getLength() != s.getLength()) {
        throw SmpcException.failure("shared value '%s' is incomplete: party %s lacks its share", name, p);
      }
    }
    return s;
  }

  private static String describe(Map<String, ValueInfo> entries) {
    List<String> parts = new ArrayList<>();
    entries.forEach((p, v) -> parts.add(v.getKind() == Kind.PRIVATE ? "private on " + p : "a share on " + p));
    return String.join(", ", parts);
  }
}
