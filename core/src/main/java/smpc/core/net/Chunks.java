package smpc.core.net;

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
    if (e instanceof io.grpc.StatusRuntimeException s) return s;
    io.grpc.Status code = e instanceof IllegalArgumentException ? io.grpc.Status.INVALID_ARGUMENT : io.grpc.Status.INTERNAL;
    return code.withDescription(String.valueOf(e.getMessage())).asRuntimeException();
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
          next = count + 1;
          out.onError(status(e));
          reply.completeExceptionally(status(e));
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
        next = count + 1;
        out.onError(status(e));
        reply.completeExceptionally(status(e));
      }
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
    ServerCallStreamObserver<T> out = (ServerCallStreamObserver<T>) response;
    int[] next = {0};
    Runnable pump = () -> {
      synchronized (next) {
        try {
          while (next[0] < count && out.isReady() && !out.isCancelled()) out.onNext(chunk.apply(next[0]++));
          if (next[0] == count) {
            next[0]++;
            out.onCompleted();
          }
        } catch (RuntimeException e) {
          next[0] = count + 1;
          out.onError(status(e));
        }
      }
    };
    out.setOnReadyThreshold(Grpc.QUEUED);
    out.setOnCancelHandler(() -> { synchronized (next) { next[0] = count + 1; } });
    out.setOnReadyHandler(pump);
    pump.run();
  }
}
