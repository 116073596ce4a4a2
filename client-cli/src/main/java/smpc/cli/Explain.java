package smpc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Map;
import smpc.sdk.Evaluation;
import smpc.sdk.Explanation;
import smpc.sdk.PartyStats;

/** How `--explain` and `--stats` show a computation's preview (smpc.sdk.Explanation). */
final class Explain {
  private Explain() {}

  /** Prints the preview (whether it would be admitted is in the consents' lines and JSON's "admitted"). */
  static int print(Explanation e, boolean json, PrintWriter out) {
    if (json) {
      ObjectNode o = Results.JSON.createObjectNode();
      o.put("computation_digest", e.computationDigest());
      var outs = o.putArray("outputs");
      for (Explanation.Output x : e.outputs()) {
        ObjectNode n = outs.addObject().put("output", x.description()).put("recipient", x.recipient()).put("kept_as", x.keptAs());
        x.inputs().forEach(n.putArray("inputs")::add);
        x.owners().forEach(n.putArray("owners")::add);
      }
      var needs = o.putArray("consents");
      for (Explanation.Need n : e.consents()) {
        ObjectNode c = needs.addObject().put("owner", n.owner()).put("output", n.output()).put("how", n.how());
        if (n.present() == null) c.putNull("present");
        else c.put("present", n.present());
      }
      o.put("admitted", e.admitted());
      o.set("cost", costJson(e.cost()));
      out.println(o.toString()); // Jackson's own rendering of its tree: compact JSON
    } else {
      out.printf("computation digest %s%n", e.computationDigest());
      for (Explanation.Output x : e.outputs()) {
        out.printf("output: %s%n", x.description());
        out.printf("  depends on: %s%n", x.inputs().isEmpty() ? "no input (public constants only)" : String.join("; ", x.inputs()));
      }
      for (Explanation.Need n : e.consents()) {
        String mark = n.present() == null ? "unknown" : n.present() ? "present" : "MISSING";
        out.printf("consent of %s for %s: %s (%s)%n", n.owner(), n.output(), mark, n.how());
      }
      if (e.consents().isEmpty()) out.println("consents: none needed (the outputs depend on no party's values)");
      Explanation.Cost c = e.cost();
      out.printf("cost: %d round%s; bytes sent %s; dealer bytes %s; material %s; peak memory %s per party%n", c.rounds(), c.rounds() == 1 ? "" : "s", perParty(c.bytesSent()),
          perParty(c.dealerBytes()), c.material().isEmpty() ? "none" : c.material().toString().replaceAll("[{}]", ""),
          mib(c.peakMemoryBytes()));
    }
    out.flush();
    return 0;
  }

  static ObjectNode costJson(Explanation.Cost c) {
    ObjectNode o = Results.JSON.createObjectNode().put("rounds", c.rounds());
    c.bytesSent().forEach(o.putObject("bytes_sent")::put);
    c.dealerBytes().forEach(o.putObject("dealer_bytes")::put);
    c.material().forEach(o.putObject("material")::put);
    o.put("peak_memory_bytes", c.peakMemoryBytes());
    return o;
  }

  /** `--stats`: the preview's estimate beside what each party measured. */
  static void compare(PrintWriter err, Explanation.Cost c, Evaluation ev) {
    err.printf("estimate vs actual: rounds %d / %d", c.rounds(), ev.rounds());
    for (Map.Entry<String, PartyStats> s : ev.stats().entrySet()) {
      err.printf("; %s bytes sent %d / %d, dealer bytes %d / %d", s.getKey(), c.bytesSent().getOrDefault(s.getKey(), 0L), s.getValue().bytesSent(),
          c.dealerBytes().getOrDefault(s.getKey(), 0L), s.getValue().dealerBytes());
    }
    err.println();
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static String perParty(Map<String, Long> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((p, v) -> b.append(b.length() == 0 ? "" : ", ").append(p).append(' ').append(v));
    return b.toString();
  }
}
