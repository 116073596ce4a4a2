package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that runs out of heap (a CSV file too large for it: 3·10^6 values take 24 MB) ends with one line saying so, not a stack trace. */
class OutOfMemoryTest {
  @Test
  void aCsvFileTooLargeForTheHeapIsOneLine(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("big.csv");
    Files.writeString(csv, "x\n" + "1234567\n".repeat(3_000_000));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx24m", "-cp", System.getProperty("java.class.path"), "smpc.cli.Main",
        "input", "--party", "alice", "--name", "x", "--csv", csv.toString(), "--column", "x")
        .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    pb.environment().put("SMPC_AGENT", "off");
    pb.environment().put("SMPC_CLUSTER", dir.resolve("none.json").toString()); // the file is read before any cluster
    pb.environment().put("HOME", dir.toString());
    Process p = pb.start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ended").isTrue();
      List<String> err = Files.readAllLines(dir.resolve("err"));
      assertThat(err).hasSize(1);
      assertThat(err.get(0)).startsWith("smpc: error: out of memory: this command needs more than this JVM's ")
          .contains("JAVA_TOOL_OPTIONS=-Xmx");
      assertThat(p.exitValue()).isEqualTo(1);
    } finally {
      p.destroyForcibly();
    }
  }
}
