package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The calls pool: a few threads however many calls wait, and each principal's calls in turns. */
class CallsPoolTest {
  @Test
  void aFewThreadsServeManyWaitingCalls() throws Exception {
    CallsPool pool = new CallsPool();
    CountDownLatch release = new CountDownLatch(1), done = new CountDownLatch(200);
    try {
      for (int i = 0; i < 200; i++) {
        pool.execute("client-" + i % 3, () -> {
          await(release);
          done.countDown();
        });
      }
      assertThat(pool.threads().getPoolSize()).isEqualTo(CallsPool.THREADS);
      for (long until = System.nanoTime() + 10_000_000_000L; pool.waiting() > 200 - CallsPool.THREADS && System.nanoTime() < until; ) Thread.sleep(5);
      assertThat(pool.waiting()).as("each thread took one").isEqualTo(200 - CallsPool.THREADS);
      release.countDown();
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.waiting()).isZero();
    } finally {
      release.countDown();
      pool.threads().shutdownNow();
    }
  }

  /**
   * One certificate's flood does not hold another principal's call behind it: it waits for one turn, not the flood.
   * The workers are run by the test, one of them on this thread, so the order is the pool's, not the scheduler's.
   */
  @Test
  void anotherPrincipalsCallIsNotQueuedBehindAFlood() {
    List<Runnable> workers = new java.util.ArrayList<>();
    CallsPool pool = new CallsPool(new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()) {
      @Override
      public void execute(Runnable worker) {
        workers.add(worker);
      }
    });
    List<String> order = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) pool.execute("mallory", () -> order.add("mallory"));
    pool.execute("alice-client", () -> order.add("alice-client"));
    pool.execute("carol-client", () -> order.add("carol-client"));
    pool.execute("alice-client", () -> order.add("alice-client"));
    assertThat(workers).hasSize(CallsPool.THREADS);
    workers.get(0).run(); // takes turns until nothing waits
    assertThat(order).hasSize(1003);
    assertThat(order.subList(0, 6)).containsExactly("mallory", "alice-client", "carol-client", "mallory", "alice-client", "mallory");
    assertThat(pool.waiting()).isZero();
    workers.subList(1, workers.size()).forEach(Runnable::run); // find nothing left
    pool.execute("bob-client", () -> order.add("bob-client"));
    assertThat(workers).as("a worker is started again once the others ended").hasSize(CallsPool.THREADS + 1);
    pool.threads().shutdownNow();
  }

  @Test
  void aFailingTaskLeavesTheWorkerServing() throws Exception {
    CallsPool pool = new CallsPool();
    CountDownLatch done = new CountDownLatch(20);
    try {
      for (int i = 0; i < 20; i++) {
        int k = i;
        pool.execute("", () -> {
          done.countDown();
          if (k % 2 == 0) throw new IllegalStateException("task " + k);
        });
      }
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.threads().shutdownNow();
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
