package smpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.core.expr.Builtin;
import smpc.core.expr.Numerics;
import smpc.core.expr.Operator;
import smpc.core.protocol.Material;
import smpc.sdk.Cluster;
import smpc.sdk.Evaluation;
import smpc.sdk.Explanation;
import smpc.sdk.SmpcException;

@Command(name = "eval", mixinStandardHelpOptions = true, description = {
    "Compute an expression on shares and reveal the result to one party (TinySMPC's reconstruct).",
    "Expressions: the operators and functions below, unary minus, parentheses, integer and real literals and"
        + " stored names; elementwise on vectors with scalar broadcast. Private operands are shared automatically."})
final class EvalCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  CommandSpec spec;

  /** Keeps the spec and adds a help section after the options: every operator and function of the language. */
  @Spec
  void spec(CommandSpec spec) {
    this.spec = spec;
    UsageMessageSpec usage = spec.usageMessage();
    Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
    sections.put("language", help -> language());
    List<String> keys = new ArrayList<>(usage.sectionKeys());
    keys.add("language");
    usage.sectionMap(sections).sectionKeys(keys);
  }

  /** One line per operator and per built-in function, from the compiler's own lists (not wrapped, so one line each). */
  static String language() {
    StringBuilder out = new StringBuilder(String.format("%nOperators, loosest first (comparisons do not chain):%n"));
    for (Operator op : Operator.values()) out.append(String.format("  a %-3s b  %s%n", op.symbol(), op.doc()));
    out.append(String.format("%nFunctions: what [for which inputs]%n"));
    int width = Arrays.stream(Builtin.values()).mapToInt(fn -> fn.usage().length()).max().orElse(0);
    for (Builtin fn : Builtin.values()) out.append(String.format("  %-" + width + "s  %s [%s]%n", fn.usage(), fn.doc(), fn.domain()));
    return out.toString();
  }

  @Parameters(index = "0", paramLabel = "EXPR", description = {
      "The expression, one argument (quote it). One that starts with '-' follows `--`: smpc eval --reveal-to alice -- '-a'."})
  String expression;

  @Option(names = "--reveal-to", paramLabel = "P", description = "The only party that learns the result.")
  String revealTo;

  @Option(names = "--name", paramLabel = "OUT", description = "Also keep the result, shared, under this name.")
  String name;

  @Option(names = "--parties", split = ",", paramLabel = "P1,P2", description = "Computing parties (default: all of the cluster).")
  List<String> parties;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--digits", paramLabel = "N", description = {
      "Decimals of real results in text output (default: what the fractional bits carry, 4 for 16 bits,",
      "trailing zeros dropped). --json always gives the exact value."})
  Integer digits;

  @Option(names = "--stats", description = "Also print rounds, bytes and dealer material used, beside the preview's estimate.")
  boolean stats;

  @Option(names = "--explain", description = {"Run nothing: show what each output discloses to whom, the inputs and owners it",
      "depends on, the consents it needs and whether each is present, its computation digest and its cost."})
  boolean explain;

  @Option(names = "--numeric", split = ",", paramLabel = "KEY=VALUE", description = {
      "Numeric settings of division and the functions: newton (2), exp-degree (9), log-degree (8),",
      "root-degree (8), sigmoid-degree (21, odd). Accuracy: docs/functions.md."})
  List<String> numeric = List.of();

  @picocli.CommandLine.Mixin RoundingOption rounding;

  @Override
  public Integer call() throws Exception {
    if (revealTo == null && name == null) throw SmpcException.usage("say where the result goes: --reveal-to P and/or --name OUT");
    InputCommand.usableName(name);
    Numerics numerics;
    try {
      numerics = Numerics.parse(numeric);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
    try (Cluster c = rounding.apply(withNumerics(cluster.connect(), numerics))) {
      for (String w : InputPrecision.literals(expression, c.config().fracBitsOrDefault())) spec.commandLine().getErr().println("smpc: warning: " + w);
      List<String> computing = parties != null ? parties : c.parties();
      if (explain) return Explain.print(c.consent().explain(expression, revealTo, name, computing), json, spec.commandLine().getOut());
      Explanation estimate = stats ? c.consent().explain(expression, revealTo, name, computing) : null;
      Evaluation ev;
      try (SessionProgress progress = SessionProgress.show(c, spec.commandLine().getErr())) {
        ev = c.sessions().evaluate(expression, revealTo, name, computing);
        progress.finished();
      }
      long[] values = revealTo != null ? ev.revealed().get(0) : null;
      int scale = revealTo != null ? ev.scales().get(0) : 0;
      long cols = revealTo != null ? ev.cols().get(0) : 0;
      int f = c.config().fracBitsOrDefault();
      PrintWriter out = spec.commandLine().getOut();
      Results.warnOutOfRange(spec.commandLine().getErr(), values, scale, f);
      if (json) {
        ObjectNode o = Results.json(name, revealTo, values, scale, cols, f);
        if (stats) o.set("stats", statsJson(Results.JSON, ev).set("estimate", Explain.costJson(estimate.cost())));
        out.println(Results.JSON.writeValueAsString(o));
      } else {
        if (values != null) Results.print(out, values, scale, cols, f, digits);
        else out.printf("stored %s, shared among %s%n", name, String.join(", ", computing));
        if (stats) {
          out.flush();
          var err = spec.commandLine().getErr();
          var s0 = ev.stats().values().iterator().next();
          err.printf("rounds %d, bytes sent %d (all parties), dealer bytes %d", ev.rounds(), ev.bytesSent(), ev.dealerBytes());
          for (Material m : Material.values()) err.printf(", %s %d", m.noun, s0.material(m));
          err.println();
          err.printf("session %s, computation digest %s, session digest %s%n", ev.sessionId(), ev.computationDigest(), ev.sessionDigest());
          Explain.compare(err, estimate.cost(), ev);
          err.flush();
        }
      }
      out.flush();
      return 0;
    }
  }

  static ObjectNode statsJson(ObjectMapper m, Evaluation ev) {
    ObjectNode s = m.createObjectNode();
    s.put("rounds", ev.rounds());
    s.put("bytes_sent", ev.bytesSent());
    s.put("dealer_bytes", ev.dealerBytes());
    s.put("session_id", ev.sessionId());
    s.put("computation_digest", ev.computationDigest());
    s.put("session_digest", ev.sessionDigest());
    ObjectNode per = s.putObject("parties");
    ev.stats().forEach((p, st) -> {
      ObjectNode o = per.putObject(p).put("bytes_sent", st.bytesSent())
          .put("bytes_received", st.bytesReceived()).put("dealer_bytes", st.dealerBytes());
      for (Material kind : Material.values()) o.put(kind.key(), st.material(kind));
      o.put("elapsed_ms", st.elapsedMicros() / 1000.0);
    });
    return s;
  }

  /** The --numeric settings, keeping the cluster's rounding. */
  private static Cluster withNumerics(Cluster c, Numerics numerics) {
    return c.withNumerics(numerics.withExactRounding(c.numerics().exactRounding()));
  }
}
