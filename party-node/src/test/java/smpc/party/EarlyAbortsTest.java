package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** Early aborts: taken once, by id; bounded per principal, so one client's made-up ids never crowd out another's. */
class EarlyAbortsTest {
  private static final Authorizer.Principal BOB = new Authorizer.Principal("client-bob", "client", "bob");
  private static final Authorizer.Principal CAROL = new Authorizer.Principal("client-carol", "client", "carol");

  private static ByteString id(int n) {
    return ByteString.copyFromUtf8("session-" + n);
  }

  @Test
  void anEarlyAbortIsTakenOnce() {
    EarlyAborts aborts = new EarlyAborts();
    aborts.remember(id(1), BOB);
    assertThat(aborts.take(id(2))).isNull();
    assertThat(aborts.take(id(1))).isEqualTo(BOB);
    assertThat(aborts.take(id(1))).isNull();
    aborts.remember(id(3), null); // a plaintext cluster's caller
    aborts.forget(id(3));
    assertThat(aborts.take(id(3))).isNull();
  }

  @Test
  void eachPrincipalKeepsAtMostItsShare() {
    EarlyAborts aborts = new EarlyAborts();
    for (int i = 0; i < 10_100; i++) aborts.remember(id(i), BOB);
    aborts.remember(id(-1), CAROL);
    assertThat(aborts.take(id(-1))).as("carol's, after bob's flood").isEqualTo(CAROL);
    assertThat(aborts.take(id(9_999))).isEqualTo(BOB);
    assertThat(aborts.take(id(10_000))).as("beyond bob's share: forgotten").isNull();
    aborts.remember(id(20_000), BOB); // a place freed by the take
    assertThat(aborts.take(id(20_000))).isEqualTo(BOB);
  }
}
