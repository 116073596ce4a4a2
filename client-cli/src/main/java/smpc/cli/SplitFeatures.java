package smpc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import smpc.core.expr.Expr;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

/**
 * Features split by columns over parties ({@code --features P:FILE.csv}, repeated): each party's file is
 * stored on it as a private matrix, and the rows, aligned by file order, are their columns side by side
 * ({@code hstack}), so no party's columns leave it in the clear.
 */
record SplitFeatures(Expr x, int rows, int columns) {
  /**
   * Stores every party's file as a private real matrix (names made from {@code what}, added to {@code created}
   * as they are made); all files must have {@code rows} data rows (the first file's count when negative).
   */
  static SplitFeatures input(Cluster c, List<String> features, int rows, Path rowsFrom, String what, List<String> created) {
    List<Expr> parts = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    int d = 0;
    for (String f : features) {
      LogregCommand.Source s = LogregCommand.Source.parse(f, false);
      if (seen.contains(s.party())) throw SmpcException.usage("--features names %s twice: give each party's columns in one file", s.party());
      seen.add(s.party());
      c.vm(s.party());
      LogregCommand.Table t = LogregCommand.Table.read(s.file());
      if (rows < 0) {
        rows = t.rows().length;
        rowsFrom = s.file();
      } else if (t.rows().length != rows) {
        throw SmpcException.usage("%s has %d rows but %s has %d (rows are matched by file order)", s.file(), t.rows().length, rowsFrom, rows);
      }
      String name = LogregCommand.temp(what + parts.size());
      created.add(name); // before the upload: one cancelled (Ctrl-C) may still have been stored
      c.inputRealMatrix(s.party(), name, LogregCommand.decimals(t.features(-1)), t.header().size());
      parts.add(new Expr.Ref(name));
      d += t.header().size();
    }
    return new SplitFeatures(parts.size() == 1 ? parts.get(0) : new Expr.Call("hstack", parts), rows, d);
  }

  /** epoch,loss lines with a header. */
  static void writeHistory(Path file, List<Double> losses) {
    StringBuilder out = new StringBuilder("epoch,loss\n");
    for (int e = 0; e < losses.size(); e++) out.append(e + 1).append(',').append(losses.get(e)).append('\n');
    try {
      Files.writeString(file, out);
    } catch (IOException e) {
      throw SmpcException.usage("cannot write the history to %s: %s", file, e.getClass().getSimpleName());
    }
  }
}
