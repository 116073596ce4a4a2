package smpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.Audit;
import smpc.sdk.Cluster;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Print a party's audit log (every session attempt and every refused call) and check its hash chain.",
        "Exit 1 if it is broken. Only the party's own client or administrator may read it."})
final class AuditCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--party", paramLabel = "P", required = true, description = "Whose log.")
  String party;

  @Option(names = "--verify", description = "Also check the logs of the other parties this client may read against it and each other:"
      + " a session one party ran to completion that another lacks or records otherwise, a log head a peer vouched for that is gone.")
  boolean verify;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

  @Override
  public Integer call() throws Exception {
    try (Cluster c = cluster.connect()) {
      Audit.Log log = c.audit().log(party);
      Audit.Verification v = verify ? c.audit().verify() : null;
      List<String> problems = new ArrayList<>(log.problems());
      if (v != null) {
        v.logs().forEach((p, other) -> { if (!p.equals(party)) problems.addAll(other.problems()); });
        problems.addAll(v.crossProblems());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = JSON.createObjectNode().put("party", party);
        o.set("records", JSON.valueToTree(log.records()));
        o.put("intact", log.intact());
        if (v != null) {
          o.set("checked", JSON.valueToTree(v.logs().keySet()));
          o.set("unreadable", JSON.valueToTree(v.unreadable()));
        }
        o.set("problems", JSON.valueToTree(problems));
        out.println(JSON.writeValueAsString(o));
      } else {
        print(out, log);
        if (v != null) {
          v.unreadable().forEach((p, why) -> out.printf("not checked: %s's log (%s)%n", p, why));
          out.printf("checked against each other: %s%n", String.join(", ", v.logs().keySet()));
        }
        problems.forEach(p -> out.println("PROBLEM: " + p));
        out.println(problems.isEmpty() ? verify ? "the logs agree and every chain is intact" : "the chain is intact"
            : problems.size() + (problems.size() == 1 ? " problem" : " problems"));
      }
      out.flush();
      return problems.isEmpty() ? 0 : 1;
    }
  }

  private static void print(PrintWriter out, Audit.Log log) {
    out.printf("%-5s %-24s %-8s %-12s %-16s %-8s %s%n", "SEQ", "TIME", "OUTCOME", "CALL", "PRINCIPAL", "SESSION", "WHAT");
    java.util.Map<String, Long> seqs = new java.util.HashMap<>();
    for (Audit.Record r : log.records()) {
      seqs.put(r.hash(), r.seq());
      out.printf("%-5d %-24s %-8s %-12s %-16s %-8s %s%n", r.seq(), r.time(), r.outcome(), r.call(),
          r.principal().isEmpty() ? "(plaintext)" : r.principal(), r.sessionId().isEmpty() ? "-" : r.sessionId().substring(0, Math.min(8, r.sessionId().length())), what(r, seqs));
    }
  }

  /** A record's inputs, outputs, consents and reason, as one line; an outcome's, the intent it ends. */
  private static String what(Audit.Record r, java.util.Map<String, Long> seqs) {
    List<String> parts = new ArrayList<>();
    if (!r.subject().isEmpty()) parts.add(r.subject());
    if (!r.intent().isEmpty()) {
      Long at = seqs.get(r.intent());
      parts.add(at != null ? "ends record " + at : "ends intent " + r.intent().substring(0, Math.min(16, r.intent().length())) + " (not in this log)");
    } else if (r.call().equals("Execute")) {
      parts.add("computation " + r.computationDigest().substring(0, Math.min(16, r.computationDigest().length())));
      parts.add("inputs " + (r.inputs().isEmpty() ? "none" : String.join(", ", r.inputs().stream().map(i -> i.name()
          + (i.party().isEmpty() ? "" : "@" + i.party()) + (i.owners().isEmpty() ? "" : " (owners " + String.join(" ", i.owners()) + ")")).toList())));
      parts.add("outputs " + (r.outputs().isEmpty() ? "none" : String.join(", ", r.outputs().stream().map(o -> o.recipient().isEmpty()
          ? "stored as " + o.name() : "to " + o.recipient() + (o.name().isEmpty() ? "" : " as " + o.name())
          + (o.shareTo().isEmpty() ? "" : " (its share to " + o.shareTo() + ")")).toList())));
      if (!r.consents().isEmpty()) parts.add("consents " + String.join(", ", r.consents()));
    }
    if (!r.reason().isEmpty()) parts.add(r.reason());
    return String.join("; ", parts);
  }
}
