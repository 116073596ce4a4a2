package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** How an output's inputs are named in consent refusals and `--explain`: each owner once, no "alice's 'x' of alice". */
class DisclosureTest {
  private static Disclosure.Input input(String name, String party, String... owners) {
    return new Disclosure.Input(name, party, new TreeSet<>(List.of(owners)));
  }

  @Test
  void aPartysOwnInputIsNamedOnce() {
    assertThat(input("salary", "alice", "alice")).hasToString("alice's 'salary'");
  }

  @Test
  void aResultKeptAtAPartyNamesWhoseInputsItCameFrom() {
    assertThat(input("r", "alice", "bob", "alice")).hasToString("alice's 'r' (from the inputs of alice, bob)");
    assertThat(input("r", "carol", "bob")).hasToString("carol's 'r' (from the inputs of bob)");
  }

  @Test
  void aSharedValueNamesItsOwners() {
    assertThat(input("pub", "", "alice")).hasToString("shared 'pub' of alice");
    assertThat(input("m", "", "bob", "alice")).hasToString("shared 'm' of alice, bob");
  }
}
