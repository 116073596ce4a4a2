package smpc.net;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Streams a large payload as numbered chunks, sending only while the transport is ready (gRPC flow
 * control), so a big vector never sits in memory twice nor exceeds the message size limit.
 */
public final class Chunks {
  private Chunks() {}

  /** A failure as a gRPC status with a clear description (never UNKNOWN). */
  static io.grpc.StatusRuntimeException status(RuntimeException e) {
    return Statuses.status(e);
  }

  /** Number of chunks for a payload of {@code bytes} bytes (at least one, so headers always travel). */
  public static int count(long bytes, int chunkBytes) {
    return (int) Math.max(1, (bytes + chunkBytes - 1) / chunkBytes);
  }

  /**
   * Client streaming: returns an observer to pass to the async stub (made with
   * {@code withOnReadyThreshold(Grpc.QUEUED)}, so several chunks travel at once) and the future of the reply.
   */
  public static <Q, R> Upload<Q, R> upload(int count, IntFunction<Q> chunk) {
    return new Upload<>(count, chunk);
  }

  public static final class Upload<Q, R> implements ClientResponseObserver<Q, R> {
    public final CompletableFuture<R> reply = new CompletableFuture<>();
    private final int count;
    private final IntFunction<Q> chunk;
    private ClientCallStreamObserver<Q> out;
    private int next;
    private R last;

    Upload(int count, IntFunction<Q> chunk) {
      this.count = count;
      this.chunk = chunk;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> out) {
      this.out = out;
      out.setOnReadyHandler(this::pump);
    }

    /**
     * Sends the first chunk at once, without waiting for the transport's first ready signal (one thread
     * hand-off less per message: most session messages are a single chunk); call right after starting
     * the call. The rest follows flow control.
     */
    public synchronized void start() {
      if (next == 0 && count > 0) {
        try {
          out.onNext(chunk.apply(next++));
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
      }
      pump();
    }

    private synchronized void pump() {
      try {
        while (next < count && out.isReady()) out.onNext(chunk.apply(next++));
        if (next == count) {
          next++;
          out.onCompleted();
        }
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    private void fail(RuntimeException e) {
      next = count + 1;
      out.onError(status(e));
      reply.completeExceptionally(status(e));
    }

    @Override
    public void onNext(R value) {
      last = value;
    }

    @Override
    public void onError(Throwable t) {
      reply.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      reply.complete(last);
    }
  }

  /** Server streaming: sends {@code count} chunks as the client is ready for them, then completes. */
  public static <T> void download(StreamObserver<T> response, int count, IntFunction<T> chunk) {
    download(response).start(count, chunk);
  }

  /**
   * A server stream whose chunks come later (from another thread): gRPC takes its handlers only while the
   * service method is first called, so the handler prepares the download at once and starts it when ready.
   */
  public static <T> Download<T> download(StreamObserver<T> response) {
    return download(response, DIRECT);
  }

  /** Chunks made on the thread that starts the download or signals readiness. */
  private static final java.util.concurrent.Executor DIRECT = Runnable::run;

  /**
   * How many chunks a pump on a pool makes before it lets the pool's other tasks go first (it goes on after them): a
   * long value read by a fast client would otherwise hold one of a few threads for the whole value.
   */
  static final int CHUNKS_PER_TURN = 8;

  /** As {@link #download(StreamObserver)}, making and sending chunks on {@code pumpOn} (not on the thread that signals readiness). */
  public static <T> Download<T> download(StreamObserver<T> response, java.util.concurrent.Executor pumpOn) {
    return new Download<>((ServerCallStreamObserver<T>) response, pumpOn);
  }

  public static final class Download<T> {
    private final ServerCallStreamObserver<T> out;
    private final java.util.concurrent.Executor pumpOn;
    private IntFunction<T> chunk;
    private int count;
    private int next;
    private volatile boolean waiting; // a send() waits for the client to be ready

    Download(ServerCallStreamObserver<T> out, java.util.concurrent.Executor pumpOn) {
      this.out = out;
      this.pumpOn = pumpOn;
      out.setOnReadyThreshold(Grpc.QUEUED); // several chunks on their way at once, not one
      out.setOnCancelHandler(() -> {}); // a cancelled call just stops (pump checks), without exceptions
      out.setOnReadyHandler(() -> {
        // the lock only when a send() waits (it holds it only to check and to hand it out): a pump on another thread
        // holds it while it makes chunks (the dealer's corrections, a value read from the disk), which this network
        // thread, carrying other calls too, must not wait for
        if (waiting) {
          synchronized (this) {
            notifyAll();
          }
        }
        pumpOn.execute(this::pump);
      });
    }

    /**
     * Sends one message before {@link #start}, waiting while the client is not ready for it (flow control: a
     * producer never runs ahead of a slow reader); fails when the client left or {@code stop} says to give up.
     */
    public synchronized void send(T message, java.util.function.BooleanSupplier stop) {
      waiting = true; // before the check: a ready handler after it then wakes the wait below
      try {
        awaitReady(stop);
      } finally {
        waiting = false;
      }
      out.onNext(message);
    }

    private void awaitReady(java.util.function.BooleanSupplier stop) {
      while (!out.isReady()) {
        if (out.isCancelled()) throw io.grpc.Status.CANCELLED.withDescription("the client stopped reading the reply").asRuntimeException();
        if (stop.getAsBoolean()) throw io.grpc.Status.ABORTED.withDescription("stopped while sending the reply").asRuntimeException();
        try {
          wait(100); // the ready handler wakes it; the timeout re-checks the client and stop
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw io.grpc.Status.CANCELLED.withDescription("interrupted while sending the reply").asRuntimeException();
        }
      }
    }

    /**
     * Sends one message before {@link #start}, if the stream can take it now; otherwise drops it (for
     * messages that a later one supersedes, such as progress). True when sent.
     */
    public synchronized boolean offer(T message) {
      if (chunk != null || out.isCancelled() || !out.isReady()) return false;
      out.onNext(message);
      return true;
    }

    public void start(int count, IntFunction<T> chunk) {
      synchronized (this) {
        this.count = count;
        this.chunk = chunk;
      }
      pumpOn.execute(this::pump);
    }

    private synchronized void pump() {
      if (chunk == null || out.isCancelled()) return; // ready before there is anything to send, or the client left
      try {
        for (int made = 0; next < count && out.isReady() && !out.isCancelled(); made++) {
          if (made == CHUNKS_PER_TURN && pumpOn != DIRECT) {
            pumpOn.execute(this::pump); // after what else waits for the pool
            return;
          }
          out.onNext(chunk.apply(next++));
        }
        if (next == count) {
          next++;
          out.onCompleted();
        }
      } catch (RuntimeException e) {
        next = count + 1;
        out.onError(status(e));
      } catch (OutOfMemoryError e) { // a chunk or its buffer that did not fit: this call fails, not hangs to its deadline
        next = count + 1;
        out.onError(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("out of memory while making the reply; try again later")
            .asRuntimeException());
      }
    }
  }
}
