package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What `cluster up` says when a server it started stops at once: the server's own error line, from its log. */
class LocalClusterTest {
  @Test
  void aServerThatStopsAtStartIsQuotedByItsLastErrorLine() throws Exception {
    Path log = Files.createTempFile("smpc-dealer", ".log");
    try {
      Files.writeString(log, "WARNING: dealer runs WITHOUT TLS\n" + "x".repeat(5000) + "\n"
          + "dealer-service: error: cannot listen on 127.0.0.1:12000: the address is in use (another process listens there)\n\n");
      assertThat(LocalCluster.lastError(log, 0)).isEqualTo(": cannot listen on 127.0.0.1:12000: the address is in use (another process listens there)");
      long before = Files.size(log);
      Files.writeString(log, "java.lang.OutOfMemoryError\n\tat somewhere\n", java.nio.file.StandardOpenOption.APPEND);
      assertThat(LocalCluster.lastError(log, before)).as("an earlier start's error is not this one's").isEmpty();
      Files.delete(log);
      assertThat(LocalCluster.lastError(log, 0)).as("no log").isEmpty();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
