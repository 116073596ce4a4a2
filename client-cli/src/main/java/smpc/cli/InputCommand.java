package smpc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "input", mixinStandardHelpOptions = true, description = "Store a private value on a party: one number is a scalar, several a vector.")
final class InputCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--party", required = true, description = "The owner.")
  String party;

  @Option(names = "--name", required = true, description = "The value's name.")
  String name;

  @Option(names = "--csv", paramLabel = "FILE", description = "Read the values from a CSV file with a header row.")
  Path csv;

  @Option(names = "--column", paramLabel = "COL", description = "The CSV column: a header name or a 1-based index.")
  String column;

  @Parameters(arity = "0..*", paramLabel = "VALUE", description = "Integers.")
  List<String> values = List.of();

  @Override
  public Integer call() throws IOException {
    long[] v = csv != null ? Csv.column(csv, column) : parse(values);
    try (Cluster c = Smpc.root(spec).connect()) {
      c.vm(party);
      var cat = c.catalog();
      if (cat.contains(name)) throw SmpcException.usage("value '%s' already exists (on %s)", name, String.join(", ", cat.holders(name)));
      c.input(party, name, v);
      spec.commandLine().getOut().printf("stored %s on %s (%s)%n", name, party, v.length == 1 ? "scalar" : v.length + " elements");
      return 0;
    }
  }

  private long[] parse(List<String> texts) {
    if (csv == null && texts.isEmpty()) throw SmpcException.usage("give at least one VALUE, or --csv FILE --column COL");
    if (csv != null && !texts.isEmpty()) throw SmpcException.usage("give VALUEs or --csv, not both");
    long[] v = new long[texts.size()];
    for (int i = 0; i < v.length; i++) v[i] = Csv.integer(texts.get(i), "value " + (i + 1));
    return v;
  }

  /** Minimal CSV reading: a header row, comma-separated fields, optional double quotes. */
  static final class Csv {
    static long[] column(Path file, String column) throws IOException {
      if (column == null) throw SmpcException.usage("--csv needs --column");
      if (!Files.isReadable(file)) throw SmpcException.usage("cannot read CSV file %s", file);
      List<String> lines;
      try {
        lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
      } catch (IOException e) {
        throw SmpcException.usage("cannot read CSV file %s: %s", file, e.getClass().getSimpleName());
      }
      if (lines.size() < 2) throw SmpcException.usage("CSV file %s has no data rows", file);
      List<String> header = fields(lines.get(0));
      int col = header.indexOf(column);
      if (col < 0 && column.matches("\\d+")) col = Integer.parseInt(column) - 1;
      if (col < 0 || col >= header.size()) throw SmpcException.usage("CSV file %s has no column '%s' (columns: %s)", file, column, header);
      long[] v = new long[lines.size() - 1];
      for (int i = 1; i < lines.size(); i++) {
        List<String> f = fields(lines.get(i));
        if (col >= f.size()) throw SmpcException.usage("%s line %d has no column %d", file, i + 1, col + 1);
        v[i - 1] = integer(f.get(col), file.getFileName() + " line " + (i + 1));
      }
      return v;
    }

    static List<String> fields(String line) {
      return java.util.Arrays.stream(line.split(",", -1)).map(Csv::unquote).toList();
    }

    private static String unquote(String s) {
      s = s.trim();
      return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    static long integer(String text, String where) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        if (text.trim().matches("[-+]?\\d*\\.\\d*([eE][-+]?\\d+)?|[-+]?\\d+[eE][-+]?\\d+")) {
          throw SmpcException.usage("real numbers are not supported yet: '%s' (%s); give integers", text, where);
        }
        if (text.trim().matches("[-+]?\\d+")) throw SmpcException.usage("value out of range: '%s' (%s) does not fit in 64 bits", text, where);
        throw SmpcException.usage("not an integer: '%s' (%s)", text, where);
      }
    }
  }
}
