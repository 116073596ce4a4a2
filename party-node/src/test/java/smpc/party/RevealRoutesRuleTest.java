package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.RevealRoutes;
import smpc.net.Tls;
import smpc.proto.ExecuteRequest;

/**
 * The authorisation rule of reveal routes (smpc.net.Tls.revealRoutes, docs/security.md "Reveals"): a party's share of a
 * result revealed to P goes to its own caller only when that caller is P's client or the party's own client, and only
 * for a caller that adds up parts; on a plaintext server, to P.
 */
class RevealRoutesRuleTest {
  private static final List<String> PARTIES = List.of("alice", "bob", "carol");
  private static final Authorizer.Principal ALICE = new Authorizer.Principal("client-alice", Tls.CLIENT, "alice");

  @Test
  void aShareGoesToTheCallerOnlyWhenItIsTheRecipientsClientOrThePartysOwn() {
    RevealRoutes r = Tls.revealRoutes(PARTIES, List.of("client-alice", "client-bob", "client-bob"));
    assertThat(r.toCaller(0, "alice")).as("alice's client, revealed to alice").isTrue();
    assertThat(r.toCaller(1, "alice")).as("bob's own client").isTrue();
    assertThat(r.toCaller(2, "alice")).as("bob's client asking carol, revealed to alice").isFalse();
    assertThat(r.toCaller(2, "bob")).as("bob's client asking carol, revealed to bob").isTrue();
    assertThat(r.toCaller(0, "carol")).as("alice's own client, revealed to carol").isTrue();
  }

  @Test
  void oneCallerAsksEveryPartyUnlessTheRequestNamesEach() {
    ExecuteRequest one = ExecuteRequest.newBuilder().addAllParties(PARTIES).setCallerAddsParts(true).build();
    RevealRoutes r = Authorizer.revealRoutes(ALICE, one);
    for (int j = 0; j < 3; j++) {
      assertThat(r.toCaller(j, "alice")).as("party %d, revealed to the caller's organisation", j).isTrue();
      assertThat(r.toCaller(j, "bob")).as("party %d, revealed to bob", j).isEqualTo(j == 0);
    }
    RevealRoutes each = Authorizer.revealRoutes(ALICE, one.toBuilder().addAllRequesters(List.of("client-alice", "client-bob", "client-bob")).build());
    assertThat(each.toCaller(1, "alice")).as("bob's own client, as the request names it").isTrue();
    assertThat(each.toCaller(2, "alice")).as("bob's client asking carol").isFalse();
  }

  @Test
  void everyShareGoesToTheRecipientForACallerThatDoesNotAddPartsOrOnAPlaintextServer() {
    ExecuteRequest old = ExecuteRequest.newBuilder().addAllParties(PARTIES).build();
    ExecuteRequest adds = old.toBuilder().setCallerAddsParts(true).build();
    for (int j = 0; j < 3; j++) {
      assertThat(Authorizer.revealRoutes(ALICE, old).toCaller(j, "alice")).as("a client that does not add parts").isFalse();
      assertThat(Authorizer.revealRoutes(null, adds).toCaller(j, "alice")).as("plaintext").isFalse();
    }
  }

  @Test
  void aCallerNamedLikeAPartyIsNoClient() {
    RevealRoutes r = Tls.revealRoutes(PARTIES, List.of("alice", "bob", "carol"));
    for (int j = 0; j < 3; j++) assertThat(r.toCaller(j, PARTIES.get(j))).isFalse();
  }

  /**
   * The session digest binds the requesters joined by commas. Three lists that join alike, each with its party's own
   * caller in its place, would have the parties agree while each routed shares by another list: refused.
   */
  @Test
  void aListOfRequestersThatCouldJoinLikeAnotherIsRefused() {
    Authorizer bob = new Authorizer("bob");
    Authorizer.Principal bobs = new Authorizer.Principal("client-bob", Tls.CLIENT, "bob");
    assertThat(bob.requesters(bobs, List.of("client-alice", "client-bob", "client-carol"), PARTIES)).isEqualTo("client-alice,client-bob,client-carol");
    for (List<String> odd : List.of(List.of("client-alice", "client-bob", ",client-carol"), List.of("", "client-bob", "client-carol"))) {
      assertThatThrownBy(() -> bob.requesters(bobs, odd, PARTIES)).as("%s", odd)
          .hasMessageContaining("names '" + odd.get(odd.get(0).isEmpty() ? 0 : 2) + "' among the principals asking its parties: no principal's name is empty or has a comma");
    }
  }
}
