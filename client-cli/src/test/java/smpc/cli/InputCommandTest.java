package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Input mistakes named before any connection (no cluster needed). */
class InputCommandTest {
  private static String[] run(String... args) {
    CommandLine cl = Smpc.commandLine(args);
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString().strip()};
  }

  @Test
  void aNameThatAnExpressionReadsAsASubtractionIsRefused() {
    String[] r = run("input", "--party", "alice", "--name", "x-1", "100");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).isEqualTo("smpc: error: value name 'x-1' would read as a subtraction in expressions: use '_' instead of '-' ('x_1')");
  }

  @Test
  void aMissingCsvFileIsNamedWholeWithWhy() {
    String[] r = run("input", "--party", "alice", "--name", "x", "--csv", "no-such-file.csv", "--column", "a");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("cannot read CSV file " + java.nio.file.Path.of("no-such-file.csv").toAbsolutePath() + " (no such file)");
  }
}
