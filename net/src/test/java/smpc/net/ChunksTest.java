package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A download's ready handler runs on a network thread that carries other calls too: it must not wait while a pump on
 * another thread makes chunks (the dealer's corrections, a value read from the disk). It waited for the download's
 * lock, which the pump holds while it makes them.
 */
class ChunksTest {
  /** A server stream that is always ready and records what is sent; its ready handler is called by the test. */
  private static class Stream extends ServerCallStreamObserver<Integer> {
    final List<Integer> sent = new CopyOnWriteArrayList<>();
    final CountDownLatch completed = new CountDownLatch(1);
    volatile Runnable onReady;

    @Override public boolean isCancelled() { return false; }
    @Override public void setOnCancelHandler(Runnable r) {}
    @Override public void setCompression(String c) {}
    @Override public boolean isReady() { return true; }
    @Override public void setOnReadyHandler(Runnable r) { onReady = r; }
    @Override public void request(int n) {}
    @Override public void setMessageCompression(boolean enable) {}
    @Override public void disableAutoInboundFlowControl() {}
    @Override public void onNext(Integer value) { sent.add(value); }
    @Override public void onError(Throwable t) {}
    @Override public void onCompleted() { completed.countDown(); }
  }

  @Test
  void theReadyHandlerNeverWaitsForAPumpMakingChunks() throws Exception {
    Stream stream = new Stream();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch making = new CountDownLatch(1), release = new CountDownLatch(1);
    try {
      Chunks.Download<Integer> download = Chunks.download(stream, pool);
      download.start(3, k -> {
        if (k == 1) { // the second chunk takes long to make
          making.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return 10 * k;
      });
      assertThat(making.await(10, TimeUnit.SECONDS)).as("the pump is making the second chunk").isTrue();

      CompletableFuture<Void> ready = CompletableFuture.runAsync(stream.onReady); // as the network thread would
      ready.get(3, TimeUnit.SECONDS); // the old handler waited here for the pump's lock until the chunk was made
      assertThat(stream.sent).containsExactly(0);

      release.countDown();
      assertThat(stream.completed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stream.sent).containsExactly(0, 10, 20);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void aSendWaitsUntilTheClientIsReady() throws Exception {
    Stream stream = new Stream() {
      volatile boolean ready;

      @Override
      public boolean isReady() {
        return ready;
      }

      @Override
      public void setOnReadyHandler(Runnable r) {
        onReady = () -> {
          ready = true;
          r.run();
        };
      }
    };
    Chunks.Download<Integer> download = Chunks.download(stream, Runnable::run);
    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> download.send(7, () -> false));
    Thread.sleep(50); // (the send waits for the client whether or not it got there yet)
    assertThat(sent).isNotDone();
    stream.onReady.run();
    sent.get(10, TimeUnit.SECONDS);
    assertThat(stream.sent).containsExactly(7);
  }

  /** A pump on a pool makes a few chunks per turn, then queues behind what else waits for the pool. */
  @Test
  void aPumpOnAPoolTakesTurns() throws Exception {
    Stream stream = new Stream();
    java.util.concurrent.ConcurrentLinkedQueue<Runnable> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Chunks.Download<Integer> download = Chunks.download(stream, pool::add);
    download.start(20, k -> k);
    pool.add(() -> stream.sent.add(-1)); // another call's task, queued after the pump's first turn
    pool.poll().run();
    assertThat(stream.sent).hasSize(Chunks.CHUNKS_PER_TURN);
    pool.poll().run();
    assertThat(stream.sent).as("the other task ran before the pump's second turn").endsWith(-1);
    while (!pool.isEmpty()) pool.poll().run();
    assertThat(stream.completed.getCount()).isZero();
    assertThat(stream.sent.stream().filter(x -> x >= 0).toList()).isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList());
  }
}
