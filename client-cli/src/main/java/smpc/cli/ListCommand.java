package smpc.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.ValueMeta;
import smpc.sdk.Cluster;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List stored values (names and metadata only).")
final class ListCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--party", paramLabel = "P", description = "Only the values stored on P.")
  String party;

  @Option(names = "--json", description = "Print one JSON object: {\"values\": [{name, kind, type, length, shape, held_by}, ...]}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Cluster c = cluster.connect()) {
      if (party != null) c.vm(party);
      var out = spec.commandLine().getOut();
      var o = Results.JSON.createObjectNode();
      var values = o.putArray("values");
      var all = c.catalog().all(); // asked before the header is printed: a command that fails prints only its error
      if (!json) out.printf("%-24s %-8s %-6s %10s  %s%n", "NAME", "KIND", "TYPE", "SHAPE", "HELD BY");
      all.forEach((name, entries) -> {
        if (name.startsWith("_sdk_")) return;
        // a row per value: a shared value once, but each party's own private value of this name (aligned rows, say)
        Map<String, ValueMeta> rows = new LinkedHashMap<>();
        entries.forEach((p, meta) -> {
          if (party == null || p.equals(party)) rows.putIfAbsent(meta.kind() + " " + meta.holders(), meta);
        });
        for (ValueMeta any : rows.values()) {
          if (!json) {
            out.printf("%-24s %-8s %-6s %10s  %s%n", name, any.kind(), any.type(), any.shape(), String.join(", ", any.holders()));
            continue;
          }
          var v = values.addObject().put("name", name).put("kind", any.kind()).put("type", any.type()).put("length", any.length()).put("shape", any.shape());
          any.holders().forEach(v.putArray("held_by")::add);
        }
      });
      if (json) out.println(Results.JSON.writeValueAsString(o));
      out.flush();
      return 0;
    }
  }
}
