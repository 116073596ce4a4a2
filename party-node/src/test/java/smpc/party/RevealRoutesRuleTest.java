package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.RevealRoutes;

/**
 * The authorisation rule of reveal routes (smpc.net.Tls.revealRoutes, docs/security.md "Reveals"): a party's share of a result revealed to P goes
 * to its own caller only when that caller is P's client or the party's own client; on a plaintext server, to P.
 */
class RevealRoutesRuleTest {
  private static final List<String> PARTIES = List.of("alice", "bob", "carol");

  @Test
  void aShareGoesToTheCallerOnlyWhenItIsTheRecipientsClientOrThePartysOwn() {
    RevealRoutes r = smpc.net.Tls.revealRoutes(PARTIES, List.of("client-alice", "client-bob", "client-bob"));
    assertThat(r.toCaller(0, "alice")).as("alice's client, revealed to alice").isTrue();
    assertThat(r.toCaller(1, "alice")).as("bob's own client").isTrue();
    assertThat(r.toCaller(2, "alice")).as("bob's client asking carol, revealed to alice").isFalse();
    assertThat(r.toCaller(2, "bob")).as("bob's client asking carol, revealed to bob").isTrue();
    assertThat(r.toCaller(0, "carol")).as("alice's own client, revealed to carol").isTrue();
  }

  @Test
  void oneCallerAsksEveryPartyUnlessTheRequestNamesEach() {
    Authorizer.Principal alice = new Authorizer.Principal("client-alice", "client", "alice");
    List<String> one = Authorizer.callers(alice, List.of(), 3);
    assertThat(one).containsExactly("client-alice", "client-alice", "client-alice");
    RevealRoutes r = smpc.net.Tls.revealRoutes(PARTIES, one);
    for (int j = 0; j < 3; j++) {
      assertThat(r.toCaller(j, "alice")).as("party %d, revealed to the caller's organisation", j).isTrue();
      assertThat(r.toCaller(j, "bob")).as("party %d, revealed to bob", j).isEqualTo(j == 0);
    }
    assertThat(Authorizer.callers(alice, List.of("client-alice", "client-bob", "x"), 3)).containsExactly("client-alice", "client-bob", "x");
    assertThat(Authorizer.callers(null, List.of(), 3)).isNull();
    RevealRoutes plaintext = smpc.net.Tls.revealRoutes(PARTIES, null);
    for (int j = 0; j < 3; j++) assertThat(plaintext.toCaller(j, "alice")).isFalse();
  }

  @Test
  void aCallerNamedLikeAPartyIsNoClient() {
    RevealRoutes r = smpc.net.Tls.revealRoutes(PARTIES, List.of("alice", "bob", "carol"));
    for (int j = 0; j < 3; j++) assertThat(r.toCaller(j, PARTIES.get(j))).isFalse();
  }
}
