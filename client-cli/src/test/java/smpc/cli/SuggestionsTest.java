package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A mistyped command line names what was probably meant, and only that; no cluster is needed for any of these. */
class SuggestionsTest {
  private record Run(int code, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Smpc.commandLine(args);
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, err.toString().strip());
  }

  @Test
  void aMistypedCommandSuggestsTheNearestCommandOnly() {
    Run r = run("evel", "x+y");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("(did you mean eval?)").doesNotContain("reveal").doesNotContain("revoke").hasLineCount(1);
    assertThat(run("stat").err()).contains("(did you mean status?)");
    assertThat(run("lsit").err()).contains("(did you mean list?)");
    assertThat(run("certz", "init").err()).contains("(did you mean certs?)");
    assertThat(run("frobnicate").err()).doesNotContain("did you mean");
  }

  @Test
  void aMistypedOptionSuggestsTheNearestOption() {
    Run r = run("eval", "a*b", "--reveal-too", "alice");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("(did you mean --reveal-to?)").hasLineCount(1);
  }

  @Test
  void anExpressionStartingWithADashIsToldToFollowTheDoubleDash() {
    Run r = run("eval", "-x+y", "--reveal-to", "alice");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("an expression that starts with '-' goes after `--`: smpc eval [OPTIONS] -- '-x+y'").hasLineCount(1);
    assertThat(run("eval", "--reveal-to", "alice", "-a").err()).contains("-- '-a'");
    // a known option or an expression after `--` is not taken for one
    assertThat(run("eval", "--reveal-to", "alice", "--bogus", "--", "-a").err()).doesNotContain("goes after");
    assertThat(run("list", "-z").err()).doesNotContain("goes after");
  }

  @Test
  void theNearestNamesOnly() {
    assertThat(smpc.sdk.Names.nearest("evl", List.of("eval", "reveal", "revoke"))).containsExactly("eval");
    assertThat(smpc.sdk.Names.nearest("rm", List.of("eval", "rm", "reset"))).containsExactly("rm");
  }
}
