package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The dealer-service command line: a start that cannot bind says so in one line (CI once met it as a bare exit 1). */
class DealerMainTest {
  @Test
  @org.junit.jupiter.api.Timeout(60) // a bind that succeeded would serve on: fail, not hang
  void aPortInUseIsOneLineNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      CommandLine cl = smpc.net.Startup.commandLine(new DealerMain()).setErr(new PrintWriter(err));
      int code = cl.execute("--insecure", "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("dealer-service: error: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use (another process listens there)" + System.lineSeparator());
    }
  }

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
