package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The dealer-service command line: a start it cannot make says why in one line (smpc.net.Startup; a port in use is
 * PartyMainTest's, through the same code).
 */
class DealerMainTest {
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void unreadableCertificatesAreOneLineNamingTheFile() throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.createTempDirectory("smpc-no-certs");
    try {
      StringWriter err = new StringWriter();
      CommandLine cl = smpc.net.Startup.commandLine(new DealerMain()).setErr(new PrintWriter(err));
      int code = cl.execute("--tls-dir", empty.toString(), "--port", "0");
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).startsWith("dealer-service: error: TLS: cannot read " + empty)
          .contains("smpc certs init").hasLineCount(1);
    } finally {
      java.nio.file.Files.delete(empty);
    }
  }
}
