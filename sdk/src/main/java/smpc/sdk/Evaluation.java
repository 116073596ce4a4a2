package smpc.sdk;

import java.util.List;
import java.util.Map;
import smpc.proto.SessionStats;

/**
 * The result of one session: the revealed outputs (in the order of the outputs that had a reveal
 * target; a revealed value v with scale s means v / 2^s, s = 0 for integers) and each party's statistics.
 */
public record Evaluation(List<long[]> revealed, List<Integer> scales, Map<String, SessionStats> stats) {
  /** Rounds the parties actually ran (the same for all). */
  public int rounds() {
    return stats.values().stream().mapToInt(SessionStats::getRounds).max().orElse(0);
  }

  public long bytesSent() {
    return stats.values().stream().mapToLong(SessionStats::getBytesSent).sum();
  }

  public long dealerBytes() {
    return stats.values().stream().mapToLong(SessionStats::getDealerBytes).sum();
  }
}
