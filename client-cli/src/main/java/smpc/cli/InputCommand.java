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
    List<String> texts = matrix ? table.cells() : csv != null ? Csv.column(csv, column) : values;
    BigDecimal[] v = new BigDecimal[texts.size()];
    boolean real = false;
    for (int i = 0; i < v.length; i++) {
      String where = matrix ? csv.getFileName() + " row " + (i / table.columns().size() + 1) + " column " + table.columns().get(i % table.columns().size())
          : csv != null ? csv.getFileName() + " row " + (i + 1) : "value " + (i + 1);
      v[i] = Csv.number(texts.get(i), where);
      real |= texts.get(i).contains(".") || texts.get(i).toLowerCase().contains("e");
    }
    try (Cluster c = cluster.connect()) {
      c.vm(party);
      var cat = c.catalog();
      if (cat.contains(name)) throw SmpcException.usage("value '%s' already exists (on %s)", name, String.join(", ", cat.holders(name)));
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
            throw SmpcException.usage("value out of range: '%s' (value %d) does not fit in 64 bits", texts.get(i), i + 1);
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

  /** Minimal CSV reading: a header row, comma-separated fields, optional double quotes. */
  static final class Csv {
    static List<String> column(Path file, String column) {
      if (column == null) throw SmpcException.usage("--csv needs --column");
      List<String> lines = lines(file);
      int col = index(fields(lines.get(0)), column, file);
      List<String> v = new java.util.ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        List<String> f = fields(lines.get(i));
        if (col >= f.size()) throw SmpcException.usage("%s line %d has no column %d", file, i + 1, col + 1);
        v.add(f.get(col));
      }
      return v;
    }

    /** The file's non-blank lines: a header and at least one data row. */
    static List<String> lines(Path file) {
      if (!Files.isReadable(file)) throw SmpcException.usage("cannot read CSV file %s", file);
      List<String> lines;
      try {
        lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
      } catch (IOException e) {
        throw SmpcException.usage("cannot read CSV file %s: %s", file, e.getClass().getSimpleName());
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
