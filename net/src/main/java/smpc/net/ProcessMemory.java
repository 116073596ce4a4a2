package smpc.net;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A server's memory for its status reply: what it holds (resident set) and what it needs (heap in use after
 * the latest collection). The JVM keeps heap it once used, so resident memory follows the past peak; the heap
 * after a collection is the live data. G1 updates its pools' "collection usage" only after mixed or full
 * collections, so the figure comes from the collectors' notifications, which report every pool after each one.
 */
public final class ProcessMemory {
  private static final AtomicLong LIVE = new AtomicLong(-1);
  private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

  static {
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((n, hand) -> {
          var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          long used = 0;
          for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(e.getKey())) used += e.getValue().getUsed();
          }
          LIVE.set(used);
        }, n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
      }
    }
  }

  private ProcessMemory() {}

  /** Starts following the collections; the first status reply does it otherwise (and reports the heap in use until one runs). */
  public static void watch() {
    // the static initialiser registers the listener
  }

  /** Heap in use after the latest collection since {@link #watch}, else the heap in use now. */
  public static long heapLiveBytes() {
    long live = LIVE.get();
    return live >= 0 ? live : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Resident memory (VmRSS), or 0 where /proc does not tell. */
  public static long rssBytes() {
    try (var lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(l -> l.startsWith("VmRSS:")).findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).orElse(0L);
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }
}
