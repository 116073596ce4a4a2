package smpc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "input", mixinStandardHelpOptions = true, description = "Store a private value on a party: one number is a scalar, several a vector; a number with a decimal point (or exponent) makes it real.")
final class InputCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--party", required = true, description = "The owner.")
  String party;

  @Option(names = "--name", required = true, description = "The value's name.")
  String name;

  @Option(names = "--csv", paramLabel = "FILE", description = "Read the values from a CSV file with a header row.")
  Path csv;

  @Option(names = "--column", paramLabel = "COL", description = "The CSV column: a header name or a 1-based index.")
  String column;

  @Option(names = "--columns", split = ",", paramLabel = "COL", description = "Several CSV columns, stored as a matrix (one row per data row).")
  List<String> columns;

  @Option(names = "--all-columns", description = "Every CSV column (but those --except names), stored as a matrix.")
  boolean allColumns;

  @Option(names = "--except", split = ",", paramLabel = "COL", description = "With --all-columns: columns to leave out, e.g. an ID.")
  List<String> except;

  @Parameters(arity = "0..*", paramLabel = "VALUE", description = "Integers, or reals such as 2.5 or 1e-3.")
  List<String> values = List.of();

  @Override
  public Integer call() throws IOException {
    if (csv == null && values.isEmpty()) throw SmpcException.usage("give at least one VALUE, or --csv FILE --column COL");
    if (csv != null && !values.isEmpty()) throw SmpcException.usage("give VALUEs or --csv, not both");
    boolean matrix = columns != null || allColumns || except != null;
    if (matrix && (csv == null || column != null)) throw SmpcException.usage("--columns and --all-columns read --csv FILE, without --column");
    CsvColumns.Table table = matrix ? CsvColumns.read(csv, columns, allColumns, except) : null;
    List<Csv.Line> cells = !matrix && csv != null ? Csv.column(csv, column) : null;
    List<String> texts = matrix ? table.cells() : cells != null ? cells.stream().map(Csv.Line::text).toList() : values;
    BigDecimal[] v = new BigDecimal[texts.size()];
    boolean real = false;
    for (int i = 0; i < v.length; i++) {
      String where = matrix ? csv.getFileName() + " line " + table.lines().get(i / table.columns().size()) + " column " + table.columns().get(i % table.columns().size())
          : cells != null ? csv.getFileName() + " line " + cells.get(i).number() : "value " + (i + 1);
      v[i] = Csv.number(texts.get(i), where);
      real |= texts.get(i).contains(".") || texts.get(i).toLowerCase().contains("e");
    }
    try (Cluster c = cluster.connect()) {
      c.vm(party);
      var cat = c.catalog();
      if (cat.contains(name)) throw SmpcException.usage("value '%s' already exists (on %s)", name, String.join(", ", cat.holders(name)));
      if (real) {
        int f = c.config().fracBitsOrDefault();
        for (int i = 0; i < v.length; i++) {
          String w = v[i].abs().compareTo(smpc.core.ring.FixedPoint.limit(f)) < 0 ? InputPrecision.warning(texts.get(i), v[i], f) : null;
          if (w != null) spec.commandLine().getErr().println("smpc: warning: " + w);
        }
      }
      if (matrix && real) {
        c.inputRealMatrix(party, name, v, table.columns().size());
      } else if (real) {
        c.inputReal(party, name, v);
      } else {
        long[] ints = new long[v.length];
        for (int i = 0; i < v.length; i++) {
          try {
            ints[i] = v[i].longValueExact();
          } catch (ArithmeticException e) {
            throw SmpcException.usage("value out of range: '%s' (%s) does not fit in 64 bits", texts.get(i),
                cells != null ? csv.getFileName() + " line " + cells.get(i).number()
                    : matrix ? csv.getFileName() + " line " + table.lines().get(i / table.columns().size()) : "value " + (i + 1));
          }
        }
        if (matrix) c.inputMatrix(party, name, ints, table.columns().size());
        else c.input(party, name, ints);
      }
      spec.commandLine().getOut().printf("stored %s on %s (%s%s)%n", name, party, real ? "real " : "",
          matrix ? table.rows() + "x" + table.columns().size() + " matrix" : v.length == 1 ? "scalar" : v.length + " elements");
      return 0;
    }
  }

  /**
   * Minimal CSV reading: a header row, comma-separated fields, optional double quotes, UTF-8 with or without
   * a byte-order mark (spreadsheets write one). Errors name the file's own line numbers, blank lines counted.
   */
  static final class Csv {
    /** A non-blank line and its number in the file (1-based). */
    record Line(int number, String text) {}

    /** The column's cells, each with its line number. */
    static List<Line> column(Path file, String column) {
      if (column == null) throw SmpcException.usage("--csv needs --column");
      List<Line> lines = numbered(file);
      int col = index(fields(lines.get(0).text()), column, file);
      List<Line> v = new java.util.ArrayList<>();
      for (Line line : lines.subList(1, lines.size())) {
        List<String> f = fields(line.text());
        if (col >= f.size()) throw SmpcException.usage("%s line %d has no column %d", file, line.number(), col + 1);
        v.add(new Line(line.number(), f.get(col)));
      }
      return v;
    }

    /** The file's non-blank lines with their numbers: a header and at least one data row. */
    static List<Line> numbered(Path file) {
      if (!Files.isReadable(file)) throw SmpcException.usage("cannot read CSV file %s", file);
      List<String> all;
      try {
        all = Files.readAllLines(file);
      } catch (IOException e) {
        throw SmpcException.usage("cannot read CSV file %s: %s (expected UTF-8 text)", file, e.getClass().getSimpleName());
      }
      List<Line> lines = new java.util.ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        String text = i == 0 && all.get(0).startsWith("\uFEFF") ? all.get(0).substring(1) : all.get(i);
        if (!text.isBlank()) lines.add(new Line(i + 1, text));
      }
      if (lines.size() < 2) throw SmpcException.usage("CSV file %s has no data rows", file);
      return lines;
    }

    /** A column by header name or 1-based index. */
    static int index(List<String> header, String column, Path file) {
      int col = header.indexOf(column);
      if (col < 0 && column.matches("\\d+")) col = Integer.parseInt(column) - 1;
      if (col < 0 || col >= header.size()) throw SmpcException.usage("CSV file %s has no column '%s' (columns: %s)", file, column, header);
      return col;
    }

    static List<String> fields(String line) {
      return java.util.Arrays.stream(line.split(",", -1)).map(Csv::unquote).toList();
    }

    private static String unquote(String s) {
      s = s.trim();
      return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    static BigDecimal number(String text, String where) {
      try {
        return new BigDecimal(text.trim());
      } catch (NumberFormatException e) {
        throw SmpcException.usage("not a number: '%s' (%s)", text, where);
      }
    }
  }
}
