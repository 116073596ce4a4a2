package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bench's peak-memory probe, on this JVM itself (Linux only: elsewhere the bench reports "-"). */
class BenchMemoryTest {
  @Test
  void peakIsReadAfterAReset() {
    long self = ProcessHandle.current().pid();
    assumeTrue(Files.exists(Path.of("/proc", Long.toString(self), "status")));
    BenchCommand.resetPeak(self);
    long before = BenchCommand.peakMb(self);
    byte[] touched = new byte[64 << 20];
    for (int i = 0; i < touched.length; i += 4096) touched[i] = 1; // resident only once written
    assertThat(BenchCommand.peakMb(self)).isGreaterThanOrEqualTo(before).isPositive();
    assertThat(BenchCommand.peakMb(-1)).isNull();
  }
}
