package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A handler's failure reaches its caller as a clear status, also when a step's future wrapped it. */
class HandlersTest {
  private static Status statusOf(Runnable handler) {
    List<Throwable> errors = new ArrayList<>();
    Handlers.guard(new StreamObserver<Object>() {
      @Override public void onNext(Object value) {}
      @Override public void onError(Throwable t) {
        errors.add(t);
      }
      @Override public void onCompleted() {}
    }, handler);
    assertThat(errors).hasSize(1);
    return Status.fromThrowable(errors.get(0));
  }

  @Test
  void aWrappedRefusalKeepsItsStatus() {
    Status s = statusOf(() -> {
      throw new CompletionException(smpc.core.Errors.exhausted("messages from bob fill half the party's message buffer; retry later"));
    });
    assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(s.getDescription()).isEqualTo("messages from bob fill half the party's message buffer; retry later");
    Status other = statusOf(() -> {
      throw new CompletionException(new IllegalStateException("a bug"));
    });
    assertThat(other.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(other.getDescription()).startsWith("internal error: java.util.concurrent.CompletionException");
  }
}
