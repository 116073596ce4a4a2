package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs every command of TUTORIAL.md, in order, against real party processes and checks the output
 * shown under it: exact lines, except that "..." matches any text (a line of only "..." any number of
 * lines); the tutorial's cluster rounds exactly, so every digit is checked. A step shown printing
 * "smpc: error: ..." must fail with that error. The harness starts and stops its own cluster on free ports;
 * a `cluster up` step's options (its rounding) are applied to it.
 */
class TutorialIT {
  record Step(String command, List<String> expected) {}

  static List<Step> steps(Path tutorial) throws Exception {
    List<Step> steps = new ArrayList<>();
    boolean inBlock = false;
    for (String line : Files.readAllLines(tutorial)) {
      if (line.startsWith("```")) {
        inBlock = line.equals("```console");
        continue;
      }
      if (!inBlock) continue;
      if (line.startsWith("$ ")) steps.add(new Step(line.substring(2), new ArrayList<>()));
      else if (!steps.isEmpty()) steps.get(steps.size() - 1).expected().add(line);
    }
    return steps;
  }

  /** Shell-like words: spaces separate, single quotes group. */
  static List<String> words(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false, any = false;
    for (char ch : command.toCharArray()) {
      if (ch == '\'') {
        quoted = !quoted;
        any = true;
      } else if (ch == ' ' && !quoted) {
        if (any) out.add(w.toString());
        w.setLength(0);
        any = false;
      } else {
        w.append(ch);
        any = true;
      }
    }
    if (any) out.add(w.toString());
    return out;
  }

  static boolean lineMatches(String expected, String actual) {
    if (expected.contains("...")) {
      String[] parts = expected.split(Pattern.quote("..."), -1);
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < parts.length; i++) re.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
      return actual.matches(re.toString());
    }
    return expected.equals(actual);
  }

  /** `cluster up OPTIONS` on the harness's running cluster: same parties and ports, the tutorial's options. */
  static void upAgain(TestCluster cluster, List<String> options) {
    String dealer = cluster.config().dealer().address();
    List<String> args = new ArrayList<>(List.of("cluster", "up", "--parties", String.join(",", cluster.parties), "--base-port",
        dealer.substring(dealer.lastIndexOf(':') + 1)));
    args.addAll(options);
    cluster.ok(args.toArray(String[]::new));
  }

  static boolean matches(List<String> expected, int i, List<String> actual, int j) {
    if (i == expected.size()) return j == actual.size();
    if (expected.get(i).equals("...")) {
      for (int k = j; k <= actual.size(); k++) if (matches(expected, i + 1, actual, k)) return true;
      return false;
    }
    return j < actual.size() && lineMatches(expected.get(i), actual.get(j)) && matches(expected, i + 1, actual, j + 1);
  }

  @Test
  void everyCommandOfTheTutorialPrintsWhatItShows() throws Exception {
    List<Step> steps = steps(Path.of("..", "TUTORIAL.md"));
    assertThat(steps).hasSizeGreaterThan(20);
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      for (Step s : steps) {
        List<String> w = words(s.command());
        assertThat(w.get(0)).as(s.command()).isEqualTo("./smpc");
        List<String> args = new ArrayList<>();
        for (String a : w.subList(1, w.size())) args.add(a.replace("examples/", "../examples/")); // the test runs in client-cli/
        if (args.get(0).equals("cluster")) { // the harness's own cluster, with the options the tutorial gives it
          if (args.get(1).equals("up")) upAgain(cluster, args.subList(2, args.size()));
          continue;
        }
        TestCluster.Result r = cluster.cli(args.toArray(String[]::new));
        // a step shown failing (its output "smpc: error: ...") must fail, with that message on stderr
        boolean fails = !s.expected().isEmpty() && s.expected().get(0).startsWith("smpc: error: ");
        assertThat(r.code() != 0).as("%s exit %d: %s", s.command(), r.code(), r.err()).isEqualTo(fails);
        List<String> actual = fails ? r.err().lines().filter(l -> l.startsWith("smpc: error: ")).toList() : r.out().lines().toList();
        assertThat(matches(s.expected(), 0, actual, 0)).as("%s printed%n%s%nbut the tutorial shows%n%s", s.command(),
            String.join("\n", actual), String.join("\n", s.expected())).isTrue();
      }
    }
  }
}
