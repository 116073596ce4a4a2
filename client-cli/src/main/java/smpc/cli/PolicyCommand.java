package smpc.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.Consent;
import smpc.sdk.SmpcException;

@Command(name = "policy", mixinStandardHelpOptions = true, description = {
    "Show your organisation's consents, or set the standing policy on one of its values (run as its client: --as P).",
    "A policy names the parties that may receive outputs depending on the value; anyone else needs an approval."})
final class PolicyCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "VALUE", description = "The value whose policy to set (none: show every consent).")
  String value;

  static final class Change {
    @Option(names = "--allow", split = ",", paramLabel = "P1,P2", required = true, description = "Parties that may receive what depends on VALUE.")
    List<String> allow;

    @Option(names = "--clear", required = true, description = "Remove VALUE's policy.")
    boolean clear;
  }

  @ArgGroup(exclusive = true)
  Change change;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    try (Cluster c = cluster.connect()) {
      if (value == null) {
        if (change != null) throw SmpcException.usage("name the value whose policy to set: smpc policy VALUE --allow P1,P2");
        for (String p : acting(c)) {
          List<Consent.PolicyInfo> policies = c.consent().policies(p);
          List<Consent.ApprovalInfo> approvals = c.consent().approvals(p);
          if (policies.isEmpty() && approvals.isEmpty()) {
            out.printf("%s: no policies and no approvals (only %s receives what depends on its values)%n", p, p);
          }
          for (Consent.PolicyInfo i : policies) {
            out.printf("%s: policy on '%s' admits %s (set by %s)%n", p, i.value(), String.join(", ", i.recipients()), i.grantedBy());
          }
          for (Consent.ApprovalInfo a : approvals) {
            out.printf("%s: approval %s, %d use%s left%s (by %s): %s%n", p, a.digest(), a.uses(), a.uses() == 1 ? "" : "s",
                a.expires() == null ? "" : ", until " + a.expires(), a.grantedBy(), a.summary());
          }
        }
      } else {
        if (change == null) throw SmpcException.usage("say what may receive '%s': --allow P1,P2, or --clear", value);
        for (Consent.PolicyInfo i : c.consent().policy(value, change.clear ? List.of() : change.allow)) {
          out.printf(i.recipients().isEmpty() ? "%s: '%s' has no policy%s%n" : "%s: policy on '%s' admits %s%n", i.party(), value,
              String.join(", ", i.recipients()));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** The parties whose consents this client may read: its own organisation's, or every one (a single operator). */
  private List<String> acting(Cluster c) {
    String as = c.config().as();
    return as != null ? List.of(as) : c.parties();
  }
}
