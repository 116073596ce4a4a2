package smpc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.sdk.ValueMeta;
import smpc.sdk.Catalog;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

@Command(name = "reveal", mixinStandardHelpOptions = true, description = "Reconstruct a shared value to one party only and print it.")
final class RevealCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The shared value to reconstruct (see `smpc list`).")
  String name;

  @Option(names = "--to", required = true, paramLabel = "P", description = "The only party that learns the value.")
  String to;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--digits", paramLabel = "N", description = {
      "Decimals of real results in text output (default: what the fractional bits carry, 4 for 16 bits,",
      "trailing zeros dropped). --json always gives the exact value."})
  Integer digits;

  @Override
  public Integer call() throws Exception {
    try (Cluster c = cluster.connect()) {
      c.vm(to);
      Catalog cat = c.catalog();
      ValueMeta v = cat.resolve(name);
      if (v == null) throw SmpcException.usage("unknown value name '%s'%s", name, cat.hint(name));
      if (!v.shared()) throw SmpcException.usage("value '%s' is private to %s, not shared", name, v.owner());
      var ev = c.evaluate(List.of(Compiler.Output.reveal(new Expr.Ref(name), to)), v.parties());
      long[] values = ev.revealed().get(0);
      int f = c.config().fracBitsOrDefault();
      var out = spec.commandLine().getOut();
      Results.warnOutOfRange(spec.commandLine().getErr(), values, ev.scales().get(0), f);
      if (json) out.println(Results.JSON.writeValueAsString(Results.json(name, to, values, ev.scales().get(0), ev.cols().get(0), f)));
      else Results.print(out, values, ev.scales().get(0), ev.cols().get(0), f, digits);
      out.flush();
      return 0;
    }
  }
}
