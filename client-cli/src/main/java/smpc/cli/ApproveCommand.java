package smpc.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.Consent;
import smpc.sdk.SmpcException;

@Command(name = "approve", mixinStandardHelpOptions = true, description = {
    "Approve one exact computation on your organisation's values (run as the owner's client: --as P).",
    "Name it as `eval` would run it (EXPR, --reveal-to, --name, --parties) or by the digest `eval --explain` shows.",
    "The approval admits --uses sessions (1 by default) until --expires; `smpc revoke --digest` withdraws it."})
final class ApproveCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "EXPR", description = "The expression, as `smpc eval` takes it.")
  String expression;

  @Option(names = "--digest", paramLabel = "HEX", description = "The computation digest to approve instead of an expression.")
  String digest;

  @Option(names = "--reveal-to", paramLabel = "P", description = "The party the approved computation reveals its result to.")
  String revealTo;

  @Option(names = "--name", paramLabel = "OUT", description = "The name the approved computation keeps its result under.")
  String name;

  @Option(names = "--parties", split = ",", paramLabel = "P1,P2", description = "Computing parties (default: all of the cluster).")
  List<String> parties;

  @Option(names = "--uses", paramLabel = "N", defaultValue = "1", description = "Sessions the approval admits (default: 1).")
  int uses;

  @Option(names = "--expires", paramLabel = "DURATION", description = "How long it lasts, e.g. 30m, 12h, 7d (default: until used or revoked).")
  String expires;

  @Override
  public Integer call() {
    if ((expression == null) == (digest == null)) throw SmpcException.usage("approve either an expression (EXPR --reveal-to P) or --digest HEX");
    Duration ttl = expires == null ? null : duration(expires);
    try (Cluster c = cluster.connect()) {
      List<Consent.ApprovalInfo> done = digest != null ? c.consent().approveDigest(digest, uses, ttl)
          : c.consent().approve(expression, revealTo, name, parties != null ? parties : c.parties(), uses, ttl);
      var out = spec.commandLine().getOut();
      for (Consent.ApprovalInfo a : done) {
        out.printf("approved on %s: digest %s, %d use%s%s%n", a.party(), a.digest(), a.uses(), a.uses() == 1 ? "" : "s",
            a.expires() == null ? "" : ", until " + a.expires());
      }
      out.flush();
      return 0;
    }
  }

  /** 90s, 30m, 12h, 7d, or ISO-8601 (PT1H30M). */
  static Duration duration(String s) {
    try {
      if (s.toUpperCase().startsWith("P")) return positive(Duration.parse(s.toUpperCase()), s);
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return positive(switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new NumberFormatException();
      }, s);
    } catch (RuntimeException e) {
      if (e instanceof SmpcException) throw e;
      throw SmpcException.usage("--expires takes a duration such as 90s, 30m, 12h or 7d, not '%s'", s);
    }
  }

  private static Duration positive(Duration d, String s) {
    if (d.isNegative() || d.isZero()) throw SmpcException.usage("--expires must be a positive duration, not '%s'", s);
    return d;
  }
}
