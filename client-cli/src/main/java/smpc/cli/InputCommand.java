package smpc.cli;

import java.io.IOException;
import java.io.InputStream;
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

  /** Refuses a new value's name that expressions cannot use: the parties store x-1, but an expression reads it as x minus 1. */
  static void usableName(String name) {
    if (name != null && name.contains("-")) {
      throw SmpcException.usage("value name '%s' would read as a subtraction in expressions: use '_' instead of '-' ('%s')", name,
          name.replace('-', '_'));
    }
  }

  @Override
  public Integer call() throws IOException {
    if (csv == null && values.isEmpty()) throw SmpcException.usage("give at least one VALUE, or --csv FILE --column COL");
    if (csv != null && !values.isEmpty()) throw SmpcException.usage("give VALUEs or --csv, not both");
    boolean matrix = columns != null || allColumns || except != null;
    if (matrix && (csv == null || column != null)) throw SmpcException.usage("--columns and --all-columns read --csv FILE, without --column");
    if (csv != null && !matrix && column == null) throw SmpcException.usage("--csv needs --column");
    usableName(name);
    if (csv != null && !Files.isReadable(csv)) {
      throw SmpcException.usage("cannot read CSV file %s (%s)", csv.toAbsolutePath(), Files.exists(csv) ? "not readable" : "no such file");
    }
    // read before any connection: a typo is named even with the cluster down, and nothing is sent before all is read
    int fracBits = cluster.config(false).fracBitsOrDefault();
    NumberColumn v = new NumberColumn(name, fracBits, w -> spec.commandLine().getErr().println("smpc: warning: " + w),
        csv != null && !matrix ? Csv.countRows(csv) : values.size());
    String shape;
    int cols = 0;
    if (matrix) {
      String file = csv.getFileName().toString();
      List<String> names = new java.util.ArrayList<>();
      int[] rows = {0};
      long fileRows = Csv.countRows(csv);
      CsvColumns.stream(csv, columns, allColumns, except, chosen -> {
        names.addAll(chosen);
        v.expect(fileRows * chosen.size());
      }, (cells, line) -> {
        for (int j = 0; j < cells.size(); j++) {
          int k = j;
          v.add(cells.get(j), () -> file + " line " + line + " column " + names.get(k));
        }
        rows[0]++;
      });
      cols = names.size();
      shape = rows[0] + "x" + cols + " matrix";
    } else {
      if (csv != null) {
        String file = csv.getFileName().toString();
        Csv.column(csv, column, (text, line) -> v.add(text, () -> file + " line " + line));
      }
      else for (String x : values) v.add(x, null);
      shape = v.size() == 1 ? "scalar" : v.size() + " elements";
    }
    try (Cluster c = cluster.connect()) {
      c.vm(party);
      var cat = c.values().catalogOfThoseUp(party); // the input needs only its party: one down elsewhere leaves just this check unmade there
      if (cat.contains(name)) throw SmpcException.usage("value '%s' already exists (on %s)", name, String.join(", ", cat.holders(name)));
      if (!cat.down().isEmpty()) {
        spec.commandLine().getErr().printf("smpc: warning: %s did not answer: whether '%s' is already a name there was not checked%n",
            String.join(", ", cat.down()), name);
      }
      if (matrix && v.real()) c.inputFixedPointMatrix(party, name, v.values(), cols, fracBits);
      else if (matrix) c.inputMatrix(party, name, v.values(), cols);
      else if (v.real()) c.inputFixedPoint(party, name, v.values(), fracBits);
      else c.input(party, name, v.values());
      spec.commandLine().getOut().printf("stored %s on %s (%s%s)%n", name, party, v.real() ? "real " : "", shape);
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

    /** A cell and its line number. */
    interface Cell {
      void accept(String text, int line);
    }

    /** A data row's chosen cells and its line number. */
    interface Row {
      void accept(List<String> cells, int line);
    }

    /** Gives each data row's cell of the column, with its line number, reading the file a line at a time. */
    static void column(Path file, String column, Cell cell) {
      if (column == null) throw SmpcException.usage("--csv needs --column");
      rows(file, header -> List.of(index(header, column, file)), (cells, line) -> cell.accept(cells.get(0), line));
    }

    /**
     * Reads the file a line at a time: {@code pick} chooses the columns (their indices) from the header's fields,
     * and {@code row} gets each data row's chosen cells, in that order, with the row's line number.
     */
    static void rows(Path file, java.util.function.Function<List<String>, List<Integer>> pick, Row row) {
      if (!Files.isReadable(file)) throw SmpcException.usage("cannot read CSV file %s", file);
      try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
        int number = 0;
        List<Integer> chosen = null;
        boolean data = false, oneColumn = false;
        int blank = 0; // in a one-column file, the first blank line after data: an error if data follows
        for (String text; (text = in.readLine()) != null; ) {
          if (++number == 1 && text.startsWith("\uFEFF")) text = text.substring(1);
          if (text.isBlank()) {
            if (data && oneColumn && blank == 0) blank = number;
            continue;
          }
          if (blank != 0) throw blankLine(file, blank);
          List<String> f = fields(text);
          if (chosen == null) {
            oneColumn = f.size() == 1;
            chosen = pick.apply(f);
            continue;
          }
          List<String> cells = new java.util.ArrayList<>(chosen.size());
          for (int j : chosen) {
            if (j >= f.size()) throw SmpcException.usage("%s line %d has no column %d", file, number, j + 1);
            cells.add(f.get(j));
          }
          data = true;
          row.accept(cells, number);
        }
        if (!data) throw SmpcException.usage("CSV file %s has no data rows", file);
      } catch (IOException e) {
        throw SmpcException.usage("cannot read CSV file %s: %s (expected UTF-8 text)", file, e.getClass().getSimpleName());
      }
    }

    /**
     * Blank lines are skipped, but in a one-column file one between data rows is refused: it is that file's empty
     * cell (a missing value, refused as "not a number" in a wider file), and skipping it silently moved every later
     * value up a row, against the other parties' rows.
     */
    private static SmpcException blankLine(Path file, int line) {
      return SmpcException.usage("%s line %d is blank between data rows (a missing value?): fill it in or remove the line", file, line);
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
      int blank = 0;
      for (int i = 0; i < all.size(); i++) {
        String text = i == 0 && all.get(0).startsWith("\uFEFF") ? all.get(0).substring(1) : all.get(i);
        if (text.isBlank()) {
          if (lines.size() > 1 && blank == 0 && fields(lines.get(0).text()).size() == 1) blank = i + 1;
        } else {
          if (blank != 0) throw blankLine(file, blank);
          lines.add(new Line(i + 1, text));
        }
      }
      if (lines.size() < 2) throw SmpcException.usage("CSV file %s has no data rows", file);
      return lines;
    }

    /**
     * How many data rows a regular file has (its lines that are not blank, but the header), counted over its bytes
     * without decoding them; 0 for anything else (a pipe can be read once only). An estimate for sizing only: a line of
     * other white space (U+3000, say) counts, and lines ended by a lone CR do not.
     */
    static int countRows(Path file) {
      if (!Files.isRegularFile(file)) return 0;
      long rows = 0;
      boolean filled = false;
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          for (int i = 0; i < n; i++) {
            byte b = buf[i];
            if (b == '\n') {
              if (filled) rows++;
              filled = false;
            } else if (b != ' ' && b != '\t' && b != '\r' && b != 0x0B && b != '\f') {
              filled = true;
            }
          }
        }
      } catch (IOException e) {
        return 0; // reading it says why
      }
      if (filled) rows++;
      return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, rows - 1));
    }

    /** A column by header name or 1-based index. */
    static int index(List<String> header, String column, Path file) {
      int col = header.indexOf(column);
      if (col < 0 && column.matches("\\d+")) col = Integer.parseInt(column) - 1;
      if (col < 0 || col >= header.size()) throw SmpcException.usage("CSV file %s has no column '%s' (columns: %s)", file, column, header);
      return col;
    }

    /**
     * A line's fields as RFC 4180 has them: a field in double quotes may hold commas and doubled quotes ("a,b" and
     * "say ""hi"""); spaces around a field are dropped. Splitting at every comma misread such a field's remainder as
     * the next column. A quoted field open at the line's end (a line break inside quotes) is refused.
     */
    static List<String> fields(String line) {
      List<String> out = new java.util.ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false, wasQuoted = false;
      for (int i = 0; i < line.length(); i++) {
        char ch = line.charAt(i);
        if (quoted) {
          if (ch != '"') f.append(ch);
          else if (i + 1 < line.length() && line.charAt(i + 1) == '"') f.append(line.charAt(++i));
          else quoted = false;
        } else if (ch == ',') {
          out.add(wasQuoted ? f.toString() : f.toString().trim());
          f.setLength(0);
          wasQuoted = false;
        } else if (wasQuoted && Character.isWhitespace(ch)) {
          continue; // spaces after a closing quote
        } else if (ch == '"' && f.toString().isBlank()) {
          f.setLength(0);
          quoted = wasQuoted = true;
        } else {
          f.append(ch);
        }
      }
      if (quoted) throw SmpcException.usage("a quoted CSV field is not closed on its line: %s", line.length() > 60 ? line.substring(0, 60) + "..." : line);
      out.add(wasQuoted ? f.toString() : f.toString().trim());
      return out;
    }

    static BigDecimal number(String text, String where) {
      return number(text, () -> where);
    }

    /** As above, {@code where} made only for the error. */
    static BigDecimal number(String text, java.util.function.Supplier<String> where) {
      String t = text.trim();
      if (t.length() > smpc.core.expr.Parser.MAX_LITERAL) { // parsing a number of a million digits takes seconds
        throw SmpcException.usage("too long for a number: %d characters (%s); at most %d", t.length(), where.get(), smpc.core.expr.Parser.MAX_LITERAL);
      }
      try {
        return new BigDecimal(t);
      } catch (NumberFormatException e) {
        if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)[eE][+-]?\\d+")) { // 1e999999999999999999: beyond BigDecimal's exponents
          throw SmpcException.usage("value out of range: '%s' (%s) has an exponent out of range", text, where.get());
        }
        throw SmpcException.usage("not a number: '%s' (%s)", text, where.get());
      }
    }
  }
}
