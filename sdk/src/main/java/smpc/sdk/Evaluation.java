package smpc.sdk;

import java.util.List;
import java.util.Map;

/**
 * The result of one session: the revealed outputs (in the order of the outputs that had a reveal
 * target; a revealed value v with scale s means v / 2^s, s = 0 for integers; a matrix output has its number of
 * columns in {@code cols}, its elements row after row, and a vector 0) and each party's statistics.
 * {@code sessionId} is how every party's log names the session (see {@link Sessions#logId}).
 */
public record Evaluation(List<long[]> revealed, List<Integer> scales, Map<String, PartyStats> stats, String sessionId, List<Long> cols) {
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

  /** What was computed (hex SHA-256 of plan, parties, fractional bits): the same for every run of the same computation. */
  public String computationDigest() {
    return agreed(PartyStats::computationDigest);
  }

  /** This run of it (hex SHA-256 adding session id, deadline and requesting principal): every party's, compared among them. */
  public String sessionDigest() {
    return agreed(PartyStats::sessionDigest);
  }

  /** The value every party reported; parties compared their digests before computing, so one that differs is an error. */
  private String agreed(java.util.function.Function<PartyStats, String> digest) {
    List<String> all = stats.values().stream().map(digest).distinct().toList();
    if (all.size() != 1) throw SmpcException.failure("the parties report different digests of the session: %s", stats);
    return all.get(0);
  }
}
