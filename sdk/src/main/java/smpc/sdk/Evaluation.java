package smpc.sdk;

import java.util.List;
import java.util.Map;

/**
 * The result of one session: the revealed outputs (in the order of the outputs that had a reveal
 * target; a revealed value v with scale s means v / 2^s, s = 0 for integers) and each party's statistics.
 */
public record Evaluation(List<long[]> revealed, List<Integer> scales, Map<String, PartyStats> stats) {
  /** Rounds the parties actually ran (the same for all). */
  public int rounds() {
    return stats.values().stream().mapToInt(PartyStats::rounds).max().orElse(0);
  }

  public long bytesSent() {
    return stats.values().stream().mapToLong(PartyStats::bytesSent).sum();
  }

  public long dealerBytes() {
    return stats.values().stream().mapToLong(PartyStats::dealerBytes).sum();
  }
}
