package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.sdk.Names;

/** "Did you mean": the closest known name when it is a plausible typo, nothing otherwise. */
class NamesTest {
  @Test
  void suggestsThePlausibleTypoOnly() {
    List<String> known = List.of("alice", "bob", "carol", "salaries", "sal_a");
    assertThat(Names.didYouMean("alcie", known)).isEqualTo(" (did you mean 'alice'?)");
    assertThat(Names.didYouMean("salarie", known)).isEqualTo(" (did you mean 'salaries'?)");
    assertThat(Names.didYouMean("Bob", known)).isEqualTo(" (did you mean 'bob'?)");
    assertThat(Names.didYouMean("dave", known)).isEmpty();
    assertThat(Names.didYouMean("x", List.of())).isEmpty();
    assertThat(Names.didYouMean("a", List.of("b", "ab"))).as("too short to guess from").isEmpty();
  }
}
