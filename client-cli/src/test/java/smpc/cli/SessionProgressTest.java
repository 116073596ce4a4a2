package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress to a file or pipe: plain lines, and a finished session's last line says it finished. */
class SessionProgressTest {
  @Test
  void aLongSessionsPlainLinesEndAtItsLastRound() throws Exception {
    StringWriter text = new StringWriter();
    try (SessionProgress p = SessionProgress.plain(new PrintWriter(text), 0)) {
      p.report(1, 70);
      p.report(2, 70); // within the 5 s between lines: not printed
      p.finished();
    }
    assertThat(text.toString().lines()).containsExactly("round 1 of 70 (1%)", "round 70 of 70 (100%)");
  }

  @Test
  void aQuickSessionShowsNothing() {
    StringWriter text = new StringWriter();
    try (SessionProgress p = SessionProgress.plain(new PrintWriter(text), SessionProgress.QUIET_NANOS * 100)) {
      p.report(1, 3);
      p.finished();
    }
    assertThat(text.toString()).isEmpty();
  }
}
