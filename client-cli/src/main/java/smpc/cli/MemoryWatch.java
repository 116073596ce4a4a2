package smpc.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import smpc.sdk.Cluster;
import smpc.sdk.ProcessStatus;

/**
 * The bench's view of what the processes hold and need while a workload runs: their status replies'
 * resident memory and heap after the latest collection, sampled every {@link #PERIOD_MS} on a thread of its
 * own, keeping each process's largest. Status calls reach remote clusters too, unlike /proc.
 */
final class MemoryWatch implements AutoCloseable {
  static final long PERIOD_MS = 250;

  /** One process's figures in MiB: resident and live (heap after a collection). */
  record Mb(long rss, long live) {
    Mb max(Mb o) {
      return new Mb(Math.max(rss, o.rss), Math.max(live, o.live));
    }
  }

  private final Cluster cluster;
  private final Map<String, Mb> peak = new TreeMap<>();
  private final Thread sampler;
  private volatile boolean stop;

  MemoryWatch(Cluster cluster) {
    this.cluster = cluster;
    sample();
    sampler = new Thread(() -> {
      while (!stop) {
        try {
          Thread.sleep(PERIOD_MS);
        } catch (InterruptedException e) {
          return;
        }
        sample();
      }
    }, "bench-memory");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Each process's figures now; processes that do not answer, or report nothing, are left out. */
  static Map<String, Mb> now(Cluster cluster) {
    Map<String, Mb> out = new TreeMap<>();
    for (Map.Entry<String, ProcessStatus> e : cluster.status().entrySet()) {
      ProcessStatus s = e.getValue();
      if (s.up() && s.rssBytes() > 0) out.put(e.getKey(), new Mb(s.rssBytes() >> 20, s.heapLiveBytes() >> 20));
    }
    return out;
  }

  private void sample() {
    Map<String, Mb> now = now(cluster);
    synchronized (peak) {
      now.forEach((name, mb) -> peak.merge(name, mb, Mb::max));
    }
  }

  /** Stops sampling (one last sample first) and returns each process's largest figures. */
  Map<String, Mb> peaks() {
    close();
    sample();
    synchronized (peak) {
      return new TreeMap<>(peak);
    }
  }

  @Override
  public void close() {
    stop = true;
    sampler.interrupt();
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The largest figure of {@code which} among {@code names}, or null when none reported. */
  static Long largest(Map<String, Mb> mb, List<String> names, java.util.function.ToLongFunction<Mb> which) {
    return names.stream().map(mb::get).filter(java.util.Objects::nonNull).map(which::applyAsLong).max(Long::compare).orElse(null);
  }
}
