package smpc.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smpc.core.expr.Expr;
import smpc.sdk.Alignment;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

/**
 * Features split by columns over parties whose files carry an id column ({@code --id-column}): each party's
 * other columns are stored on it, and the parties' rows are matched by private alignment (the same as
 * {@code smpc align}) instead of by file order; the labels' holder aligns its labels too.
 *
 * @param x the aligned features, every party's columns side by side
 * @param y the aligned labels' name (null without labels)
 * @param ids each party's ids of the aligned rows, in their common order
 */
record AlignedFeatures(Expr x, String y, int rows, int columns, Map<String, List<String>> ids) {
  /** Stores and aligns the features (and labels: {@code labels} may be null); names made from {@code what} go to {@code created}. */
  static AlignedFeatures input(Cluster c, List<String> features, LogregCommand.Source labels, String idColumn, String what, List<String> created) {
    Map<String, Alignment.Part> parts = new LinkedHashMap<>();
    Map<String, List<String>> ids = new LinkedHashMap<>();
    List<Expr> xs = new ArrayList<>();
    int d = 0;
    for (String f : features) {
      LogregCommand.Source s = LogregCommand.Source.parse(f, false);
      if (parts.containsKey(s.party())) throw SmpcException.usage("--features names %s twice: give each party's columns in one file", s.party());
      c.vm(s.party());
      AlignCommand.Keyed t = AlignCommand.Keyed.read(s.file(), idColumn);
      String name = LogregCommand.temp(what + parts.size());
      created.add(name); // before the upload: one cancelled (Ctrl-C) may still have been stored
      c.inputRealMatrix(s.party(), name, t.values(), t.columns().size());
      parts.put(s.party(), new Alignment.Part(t.ids(), name));
      ids.put(s.party(), t.ids());
      xs.add(new Expr.Ref(name));
      d += t.columns().size();
    }
    String y = null;
    Map<String, Long> byId = null;
    if (labels != null) {
      c.vm(labels.party());
      List<String> labelIds = CsvColumns.read(labels.file(), List.of(idColumn), false, null).cells();
      CsvColumns.Table col = CsvColumns.read(labels.file(), List.of(labels.column()), false, null);
      long[] v = new long[labelIds.size()];
      for (int i = 0; i < v.length; i++) {
        String cell = col.cells().get(i).trim();
        if (!cell.equals("0") && !cell.equals("1")) throw SmpcException.usage("labels must be 0 or 1: %s line %d has %s", labels.file(), col.lines().get(i), cell);
        v[i] = Long.parseLong(cell);
      }
      y = LogregCommand.temp(what + "y");
      if (!parts.containsKey(labels.party())) {
        created.add(y);
        c.input(labels.party(), y, v);
        parts.put(labels.party(), new Alignment.Part(labelIds, y));
        ids.put(labels.party(), labelIds);
      } else { // the holder's features are aligned; its labels follow them by id, here at its own client
        byId = new HashMap<>();
        for (int i = 0; i < v.length; i++) if (byId.put(labelIds.get(i), v[i]) != null) {
          throw SmpcException.usage("%s's id '%s' is in %s twice: ids must be unique", labels.party(), labelIds.get(i), labels.file());
        }
      }
    }
    Alignment.Result r = c.alignment().run(parts);
    Map<String, List<String>> aligned = new LinkedHashMap<>();
    r.rows().forEach((p, rows) -> {
      List<String> mine = new ArrayList<>();
      for (int k : rows) mine.add(ids.get(p).get(k));
      aligned.put(p, mine);
    });
    if (byId != null) {
      List<String> common = aligned.get(labels.party());
      long[] v = new long[common.size()];
      for (int k = 0; k < v.length; k++) {
        Long label = byId.get(common.get(k));
        if (label == null) throw SmpcException.usage("%s has no label for the aligned id '%s'", labels.file(), common.get(k));
        v[k] = label;
      }
      created.add(y);
      c.input(labels.party(), y, v);
    }
    return new AlignedFeatures(xs.size() == 1 ? xs.get(0) : new Expr.Call("hstack", xs), y, r.size(), d, aligned);
  }

  /** A CSV field, quoted when it holds a comma, a quote or a line break. */
  static String csv(String field) {
    return field.matches("[^,\"\r\n]*") ? field : '"' + field.replace("\"", "\"\"") + '"';
  }
}
