package smpc.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time the processes spent over a workload's timed runs, per run: on this project's 2-core reference machine a
 * small session's wall time moves ±25 % from cluster to cluster, while the CPU each process spends on it is what the
 * latency work changes (docs/performance.md, "One small session (W1): where the CPU goes"). Read from the operating
 * system's accounting of each process ({@link ProcessHandle.Info#totalCpuDuration}: all its threads, the JIT's and
 * the collector's included), so only for processes this machine runs and whose PIDs the bench knows.
 */
final class CpuWatch {
  private CpuWatch() {}

  /** The name under which the bench's own process (the SDK client, and the bench's checks of each result) is reported. */
  static final String CLIENT = "client";

  /** Each process's CPU time so far in nanoseconds, by name; the bench's own under {@link #CLIENT}. Missing when unknown. */
  static Map<String, Long> now(Map<String, Long> pids) {
    Map<String, Long> cpu = new LinkedHashMap<>();
    pids.forEach((name, pid) -> ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).ifPresent(d -> cpu.put(name, d.toNanos())));
    ProcessHandle.current().info().totalCpuDuration().ifPresent(d -> cpu.put(CLIENT, d.toNanos()));
    return cpu;
  }

  /** Milliseconds of CPU per run for each process known at both ends, in {@code before}'s order. */
  static Map<String, Double> perRun(Map<String, Long> before, Map<String, Long> after, int runs) {
    Map<String, Double> ms = new LinkedHashMap<>();
    before.forEach((name, ns) -> {
      Long end = after.get(name);
      if (end != null && runs > 0) ms.put(name, (end - ns) / 1e6 / runs);
    });
    return ms;
  }

  /** The servers' CPU per run (every process of {@code processes}), or null when one of them (or all) was not measured. */
  static Double servers(Map<String, Double> perRun, java.util.Set<String> processes) {
    if (processes.isEmpty() || !perRun.keySet().containsAll(processes)) return null;
    return processes.stream().mapToDouble(perRun::get).sum();
  }
}
