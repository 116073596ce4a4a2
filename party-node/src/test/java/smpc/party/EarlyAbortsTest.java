package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Early aborts: taken once, by id and principal; bounded per principal, so one client's made-up ids never crowd out
 * another's, and another principal's abort of the same id never replaces the requester's own.
 */
class EarlyAbortsTest {
  private static final Authorizer.Principal BOB = new Authorizer.Principal("client-bob", "client", "bob");
  private static final Authorizer.Principal CAROL = new Authorizer.Principal("client-carol", "client", "carol");

  private static ByteString id(int n) {
    return ByteString.copyFromUtf8("session-" + n);
  }

  @Test
  void anEarlyAbortIsTakenOnceByItsOwnPrincipal() {
    EarlyAborts aborts = new EarlyAborts();
    aborts.remember(id(1), CAROL); // carol learnt bob's session id first
    aborts.remember(id(1), BOB);
    assertThat(aborts.take(id(2), BOB)).isFalse();
    assertThat(aborts.take(id(1), BOB)).as("bob's own, despite carol's").isTrue();
    assertThat(aborts.take(id(1), BOB)).isFalse();
    assertThat(aborts.take(id(1), CAROL)).isTrue();
    aborts.remember(id(3), null); // a plaintext cluster's caller
    assertThat(aborts.take(id(3), BOB)).isFalse();
    assertThat(aborts.take(id(3), null)).isTrue();
  }

  @Test
  void eachPrincipalKeepsAtMostItsShare() {
    EarlyAborts aborts = new EarlyAborts();
    for (int i = 0; i < 10_100; i++) aborts.remember(id(i), BOB);
    aborts.remember(id(-1), CAROL);
    assertThat(aborts.take(id(-1), CAROL)).as("carol's, after bob's flood").isTrue();
    assertThat(aborts.take(id(9_999), BOB)).isTrue();
    assertThat(aborts.take(id(10_000), BOB)).as("beyond bob's share: forgotten").isFalse();
    aborts.remember(id(20_000), BOB); // a place freed by the take
    assertThat(aborts.take(id(20_000), BOB)).isTrue();
  }
}
