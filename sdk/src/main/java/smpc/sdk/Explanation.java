package smpc.sdk;

import java.util.List;
import java.util.Map;

/**
 * What a computation would disclose and cost, known before anything runs (`smpc eval --explain`): each output
 * with its recipient (or stored name) and the inputs and owners it depends on, the consents it needs and
 * whether each is present, its computation digest (what an owner approves) and its cost.
 */
public record Explanation(String computationDigest, List<Output> outputs, List<Need> consents, Cost cost) {
  /** An output: revealed to {@code recipient} (and kept there as {@code keptAs}), or stored shared as {@code keptAs}. */
  public record Output(String description, String recipient, String keptAs, List<String> inputs, List<String> owners) {}

  /**
   * One owner's consent to one output: {@code present} when the session would be admitted on this count,
   * false when it would be refused, null when this client cannot tell (only the owner's own client sees its
   * consents); {@code how} says which consent counts, or what is missing.
   */
  public record Need(String owner, String output, Boolean present, String how) {}

  /** Rounds; bytes each party sends; dealer bytes each party receives; dealer material by kind; peak memory per party. */
  public record Cost(int rounds, Map<String, Long> bytesSent, Map<String, Long> dealerBytes, Map<String, Long> material, long peakMemoryBytes) {}

  /** Whether every consent is known to be present (the session would be admitted). */
  public boolean admitted() {
    return consents.stream().allMatch(n -> Boolean.TRUE.equals(n.present()));
  }
}
