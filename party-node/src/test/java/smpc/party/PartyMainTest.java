package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The party-node command line as deployment.md documents it: `health` needs no --name; serving does. */
class PartyMainTest {
  @Test
  void healthChecksATargetWithoutAPartyName() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PartyMain()).setErr(new PrintWriter(err));
    int code = cl.execute("health", "--target", "127.0.0.1:" + port, "--insecure", "--timeout-ms", "2000");
    assertThat(code).as("exit code (1: NOT SERVING, 2 would be a usage error): %s", err).isEqualTo(1);
  }

  @Test
  void servingWithoutANameIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PartyMain()).setErr(new PrintWriter(err));
    int code = cl.execute("--insecure", "--port", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--name=<name>'");
  }

  /** A port another process holds: exit 1 and one line naming it, not a stack trace (as the dealer, DealerMainTest). */
  @Test
  @org.junit.jupiter.api.Timeout(60) // a bind that succeeded would serve on: fail, not hang
  void aPortInUseIsOneLineNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      StringWriter err = new StringWriter();
      CommandLine cl = smpc.net.Startup.commandLine(new PartyMain()).setErr(new PrintWriter(err));
      int code = cl.execute("--name", "alice", "--insecure", "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("party-node: error: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": the address is in use (another process listens there)" + System.lineSeparator());
    }
  }

  /** A start that cannot bind lets go of its data directory: the same party starts on another port at once. */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aStartThatCannotBindLeavesItsDataDirectoryFree() throws Exception {
    java.nio.file.Path data = java.nio.file.Files.createTempDirectory("smpc-bind");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PartyNode.start("alice", "127.0.0.1", taken.getLocalPort(),
          java.util.Map.of(), "127.0.0.1:1", 16, 1 << 20, data, null)).hasMessageContaining("the address is in use");
      try (PartyNode again = PartyNode.start("alice", "127.0.0.1", 0, java.util.Map.of(), "127.0.0.1:1", 16, 1 << 20, data, null)) {
        assertThat(again.port()).isPositive();
      }
    } finally {
      try (var files = java.nio.file.Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aNegativeMessageBufferIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PartyMain()).setErr(new PrintWriter(err));
    int code = cl.execute("--name", "alice", "--insecure", "--port", "0", "--max-buffered-mb", "-1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--max-buffered-mb must not be negative (0: a quarter of the heap)");
  }
}
