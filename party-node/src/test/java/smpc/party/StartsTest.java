package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * At most {@link Starts#LIMIT} calls in their checks on the unbounded pool: the next is refused as busy on the calls
 * pool; a call that passed its checks gives its place back while it goes on running.
 */
class StartsTest {
  private static final StreamObserver<Object> IGNORED = new StreamObserver<>() {
    @Override public void onNext(Object value) {}
    @Override public void onError(Throwable t) {}
    @Override public void onCompleted() {}
  };

  @Test
  void callsBeyondTheLimitAreRefusedAsBusyAndAPassedCheckFreesItsPlace() throws Exception {
    Starts starts = new Starts();
    ExecutorService io = Executors.newCachedThreadPool();
    List<Runnable> onCalls = new CopyOnWriteArrayList<>();
    CountDownLatch inChecks = new CountDownLatch(Starts.LIMIT), pass = new CountDownLatch(1), end = new CountDownLatch(1);
    AtomicInteger busy = new AtomicInteger(), ran = new AtomicInteger();
    try {
      for (int i = 0; i < Starts.LIMIT; i++) {
        starts.start("client-" + i % (Starts.LIMIT / Starts.PER_PRINCIPAL), io, onCalls::add, IGNORED, checked -> {
          inChecks.countDown();
          await(pass); // checking (a refusal's record syncing, say)
          checked.run();
          await(end); // the session goes on
          ran.incrementAndGet();
        }, why -> busy.incrementAndGet());
      }
      assertThat(inChecks.await(10, TimeUnit.SECONDS)).isTrue();
      starts.start("client-new", io, onCalls::add, IGNORED, checked -> ran.incrementAndGet(), why -> busy.incrementAndGet());
      assertThat(onCalls).as("the call beyond the limit goes to the calls pool").hasSize(1);
      onCalls.get(0).run();
      assertThat(busy).hasValue(1);

      pass.countDown(); // every call passes its checks and keeps running: their places are free again
      CountDownLatch admitted = new CountDownLatch(1);
      for (long until = System.nanoTime() + 10_000_000_000L; admitted.getCount() > 0 && System.nanoTime() < until; ) {
        onCalls.clear();
        starts.start("client-new", io, onCalls::add, IGNORED, checked -> admitted.countDown(), why -> busy.incrementAndGet());
        if (admitted.getCount() > 0) Thread.sleep(5);
      }
      assertThat(admitted.await(10, TimeUnit.SECONDS)).as("a call admitted while the others still run").isTrue();
      end.countDown();
    } finally {
      pass.countDown();
      end.countDown();
      io.shutdown();
      assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(ran).hasValue(Starts.LIMIT);
  }

  /** One certificate's flood fills its own places only: another principal's call is still admitted. */
  @Test
  void onePrincipalTakesNoMoreThanItsShareOfTheChecks() throws Exception {
    Starts starts = new Starts();
    ExecutorService io = Executors.newCachedThreadPool();
    List<Runnable> onCalls = new CopyOnWriteArrayList<>();
    List<String> reasons = new CopyOnWriteArrayList<>();
    CountDownLatch inChecks = new CountDownLatch(Starts.PER_PRINCIPAL), pass = new CountDownLatch(1), other = new CountDownLatch(1);
    try {
      for (int i = 0; i < Starts.PER_PRINCIPAL; i++) {
        starts.start("mallory", io, onCalls::add, IGNORED, checked -> {
          inChecks.countDown();
          await(pass);
        }, reasons::add);
      }
      assertThat(inChecks.await(10, TimeUnit.SECONDS)).isTrue();
      starts.start("mallory", io, onCalls::add, IGNORED, checked -> {}, reasons::add);
      assertThat(onCalls).hasSize(1);
      onCalls.get(0).run();
      assertThat(reasons).containsExactly("checking " + Starts.PER_PRINCIPAL + " calls of 'mallory' already");
      starts.start("alice-client", io, onCalls::add, IGNORED, checked -> other.countDown(), reasons::add);
      assertThat(other.await(10, TimeUnit.SECONDS)).as("another principal's call is admitted").isTrue();
      assertThat(onCalls).hasSize(1);
    } finally {
      pass.countDown();
      io.shutdown();
      assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(starts.checking()).isZero();
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
