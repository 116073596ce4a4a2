package smpc.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import smpc.sdk.SmpcException;

/** Several columns of a CSV file with a header row, read as a matrix: the chosen fields of each row, row by row. */
final class CsvColumns {
  /** The columns' header names, in the chosen order, the cells row by row, and each row's line in the file. */
  record Table(List<String> columns, List<String> cells, List<Integer> lines) {
    int rows() {
      return cells.size() / columns.size();
    }
  }

  private CsvColumns() {}

  /**
   * The named (or 1-based numbered) columns, or with {@code all} every column but those in {@code except};
   * a one-line usage error for an unknown or repeated column, a short row, or no column left.
   */
  static Table read(Path file, List<String> columns, boolean all, List<String> except) {
    List<String> names = new ArrayList<>(), cells = new ArrayList<>();
    List<Integer> rowLines = new ArrayList<>();
    stream(file, columns, all, except, names::addAll, (row, line) -> {
      cells.addAll(row);
      rowLines.add(line);
    });
    return new Table(names, cells, rowLines);
  }

  /**
   * As {@link #read}, a line at a time: {@code header} gets the chosen columns' names before any row, {@code row}
   * each data row's chosen cells.
   */
  static void stream(Path file, List<String> columns, boolean all, List<String> except, Consumer<List<String>> header,
      InputCommand.Csv.Row row) {
    if (all == (columns != null && !columns.isEmpty())) throw SmpcException.usage("give --columns C1,C2,... or --all-columns, one of them");
    if (!all && except != null && !except.isEmpty()) throw SmpcException.usage("--except goes with --all-columns");
    InputCommand.Csv.rows(file, fields -> {
      List<Integer> chosen = chosen(file, fields, columns, all, except);
      header.accept(chosen.stream().map(fields::get).toList());
      return chosen;
    }, row);
  }

  private static List<Integer> chosen(Path file, List<String> header, List<String> columns, boolean all, List<String> except) {
    List<Integer> chosen = new ArrayList<>();
    if (all) {
      List<Integer> skip = new ArrayList<>();
      for (String e : except == null ? List.<String>of() : except) skip.add(InputCommand.Csv.index(header, e, file));
      for (int j = 0; j < header.size(); j++) if (!skip.contains(j)) chosen.add(j);
      if (chosen.isEmpty()) throw SmpcException.usage("--except leaves no column of %s", file);
    } else {
      for (String c : columns) {
        int j = InputCommand.Csv.index(header, c, file);
        if (chosen.contains(j)) throw SmpcException.usage("column '%s' of %s is chosen twice", c, file);
        chosen.add(j);
      }
    }
    return chosen;
  }
}
