package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** The status reply's memory figures, on this JVM: the live heap follows what survives a collection. */
class ProcessMemoryTest {
  private static final long MIB = 1 << 20;

  @Test
  void liveHeapIsWhatSurvivesTheLatestCollection() throws InterruptedException {
    ProcessMemory.watch();
    long[] kept = new long[(int) (64 * MIB / 8)];
    kept[kept.length - 1] = 1;
    long with = collectUntil(live -> live >= 64 * MIB);
    assertThat(with).as("64 MiB kept through a collection").isGreaterThanOrEqualTo(64 * MIB);
    assertThat(kept[kept.length - 1]).isEqualTo(1);
    kept = null;
    long without = collectUntil(live -> live <= with - 48 * MIB);
    assertThat(without).as("after dropping the 64 MiB").isLessThanOrEqualTo(with - 48 * MIB);
  }

  @Test
  void residentMemoryIsReadOnLinux() {
    assumeTrue(Files.exists(Path.of("/proc/self/status")));
    assertThat(ProcessMemory.rssBytes()).as("VmRSS").isGreaterThan(16 * MIB);
  }

  /** Collects until the listener (notified on a thread of the JVM's) reports a live heap {@code ok} accepts; at most 100 times. */
  private static long collectUntil(LongPredicate ok) throws InterruptedException {
    long live = -1;
    for (int i = 0; i < 100; i++) {
      System.gc();
      Thread.sleep(20);
      live = ProcessMemory.heapLiveBytes();
      if (ok.test(live)) break;
    }
    return live;
  }
}
