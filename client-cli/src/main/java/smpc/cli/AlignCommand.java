package smpc.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.Alignment;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "align", mixinStandardHelpOptions = true,
    description = "Match the parties' rows by a private id column (private set intersection): each party keeps its rows of the"
        + " intersection, in one order common to all, as a private matrix; nobody learns any id outside the intersection.")
final class AlignCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--ids", required = true, paramLabel = "PARTY:FILE.csv:COLUMN",
      description = "A party's CSV file (header row) and its id column; its other columns are that party's rows. Repeat for each party (at least 2).")
  List<String> ids;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Each party keeps its aligned rows under this name.")
  String name;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--protocol", paramLabel = "dh|dealer", defaultValue = "dealer", converter = ProtocolConverter.class,
      description = {"How the parties intersect their ids: dealer (the default), the dealer as an oblivious PRF: seconds for"
          + " 10^5 ids, nobody sees more than the intersection and the sizes, and the ids stay private as long as the dealer"
          + " does not collude with a party (docs/security.md); or dh, Diffie-Hellman PSI among the parties: ten times slower"
          + " or more, trusts no one, but with three or more parties shows each the sizes of partial overlaps."})
  Alignment.Protocol protocol;

  /** dh or dealer, in lower case as the docs write them. */
  static final class ProtocolConverter implements picocli.CommandLine.ITypeConverter<Alignment.Protocol> {
    @Override
    public Alignment.Protocol convert(String v) {
      return switch (v) {
        case "dh" -> Alignment.Protocol.DH;
        case "dealer" -> Alignment.Protocol.DEALER;
        default -> throw new picocli.CommandLine.TypeConversionException("'" + v + "' is not a protocol: dh or dealer");
      };
    }
  }

  /** A party's CSV split into its id column and the numbers of its other columns, row by row. */
  record Keyed(List<String> ids, List<String> columns, BigDecimal[] values) {
    static Keyed read(Path file, String idColumn) {
      List<String> ids = CsvColumns.read(file, List.of(idColumn), false, null).cells();
      CsvColumns.Table rest;
      try {
        rest = CsvColumns.read(file, null, true, List.of(idColumn));
      } catch (SmpcException e) {
        if (e.getMessage().startsWith("--except leaves no column")) throw SmpcException.usage("%s has no column besides its id column '%s'", file, idColumn);
        throw e;
      }
      BigDecimal[] values = new BigDecimal[rest.cells().size()];
      int cols = rest.columns().size();
      for (int k = 0; k < values.length; k++) {
        values[k] = InputCommand.Csv.number(rest.cells().get(k), file.getFileName() + " line " + rest.lines().get(k / cols));
      }
      return new Keyed(ids, rest.columns(), values);
    }
  }

  @Override
  public Integer call() {
    Map<String, Keyed> tables = new LinkedHashMap<>();
    for (String text : ids) {
      LogregCommand.Source s = LogregCommand.Source.parse(text, true);
      if (tables.containsKey(s.party())) throw SmpcException.usage("--ids names %s twice: give each party's ids once", s.party());
      tables.put(s.party(), Keyed.read(s.file(), s.column()));
    }
    try (Cluster c = cluster.connect()) {
      Alignment.Result r = align(c, tables, name, protocol);
      print(r, tables);
      return 0;
    }
  }

  /**
   * Stores each party's rows as its private real matrix {@code name} (as its own client), then aligns them in
   * place; on any failure deletes what it stored, so that nothing half-aligned is left.
   */
  static Alignment.Result align(Cluster c, Map<String, Keyed> tables, String name, Alignment.Protocol protocol) {
    if (tables.size() < 2) throw SmpcException.usage("give the ids of at least 2 parties (--ids PARTY:FILE.csv:COLUMN, repeated)");
    for (String p : tables.keySet()) c.vm(p); // an unknown party, before anything is stored
    if (c.catalog(List.copyOf(tables.keySet())).contains(name)) throw SmpcException.usage("value '%s' already exists", name);
    List<String> staged = new ArrayList<>();
    try {
      Map<String, Alignment.Part> parts = new LinkedHashMap<>();
      tables.forEach((p, t) -> {
        c.inputRealMatrix(p, name, t.values(), t.columns().size());
        staged.add(p);
        parts.put(p, new Alignment.Part(t.ids(), name));
      });
      return c.alignment().run(parts, protocol);
    } catch (RuntimeException e) {
      if (!staged.isEmpty()) {
        try {
          c.delete(name);
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  private void print(Alignment.Result r, Map<String, Keyed> tables) {
    var out = spec.commandLine().getOut();
    if (json) {
      StringBuilder b = new StringBuilder("{\"name\":\"").append(name).append("\",\"protocol\":\"")
          .append(protocol.name().toLowerCase(java.util.Locale.ROOT)).append("\",\"rows\":").append(r.size()).append(",\"parties\":{");
      int k = 0;
      for (String p : r.sizes().keySet()) {
        if (k++ > 0) b.append(',');
        b.append('"').append(p).append("\":{\"ids\":").append(r.sizes().get(p)).append(",\"columns\":").append(tables.get(p).columns().size())
            .append(",\"bytes_sent\":").append(r.bytesSent().get(p)).append('}');
      }
      out.println(b.append("}}"));
      return;
    }
    List<String> each = new ArrayList<>();
    r.sizes().forEach((p, n) -> each.add(p + " " + n));
    out.printf("%d common ids (of %s); each party keeps its %d rows as %s, in the same order%n", r.size(), String.join(", ", each), r.size(), name);
  }
}
