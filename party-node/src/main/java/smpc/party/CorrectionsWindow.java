package smpc.party;

import static smpc.core.Errors.invalid;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import smpc.core.protocol.Blocks;
import smpc.core.protocol.Material;
import smpc.proto.CorrectionsChunk;
import smpc.proto.CorrectionsRequest;

/**
 * One kind of the designated party's dealer corrections for a session, as the dealer streams them in
 * chunks of {@link Material#itemsPerChunk} items. The session takes them in order (every protocol takes its
 * items and their corrections at once, one kind after another), so a chunk is dropped once used, and only
 * {@link #AHEAD} blocks' worth of chunks are asked for ahead: the dealer, which computes a chunk when the
 * stream has room for it, and this party hold a few blocks of corrections, not a whole session's (a
 * 10^7-element comparison's were 400 MB). A session of up to two blocks is asked for in full at once, as
 * before, so that it arrives while the inputs are shared.
 */
final class CorrectionsWindow implements ClientResponseObserver<CorrectionsRequest, CorrectionsChunk> {
  /** Blocks of a streamed plan whose corrections are asked for ahead of the one being run. */
  private static final int AHEAD = 2;

  private final Session session;
  private final Material kind;
  private final int perChunk;
  private final long count;
  private final CompletableFuture<long[]>[] chunks;
  private final UnaryOperator<RuntimeException> fail; // fails the session, returns what to report
  private final Consumer<Integer> counted; // bytes received
  private ClientCallStreamObserver<CorrectionsRequest> call;
  private int received; // chunks filed so far (transport thread)
  private int released; // chunks before this one were used and dropped (session thread)
  private int window; // chunks asked for ahead of the first one not yet used
  private int requested; // chunks asked for so far (session thread, once started)
  private boolean failed;

  @SuppressWarnings("unchecked")
  CorrectionsWindow(Session session, Material kind, long count, UnaryOperator<RuntimeException> fail,
      Consumer<Integer> counted) {
    this.session = session;
    this.kind = kind;
    this.count = count;
    this.perChunk = kind.itemsPerChunk();
    this.fail = fail;
    this.counted = counted;
    this.chunks = new CompletableFuture[(int) ((count + perChunk - 1) / perChunk)];
    for (int k = 0; k < chunks.length; k++) chunks[k] = new CompletableFuture<>();
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<CorrectionsRequest> call) {
    this.call = call;
    window = (int) Math.min(chunks.length, (long) AHEAD * Blocks.DEFAULT / perChunk + 1);
    requested = window;
    call.disableAutoRequestWithInitial(window);
  }

  /**
   * Asks the dealer for every chunk up to {@code k} (gRPC flow control): one step of a plan that runs whole may take
   * more items than the window holds, and would otherwise wait for chunks nobody asked for until its deadline.
   */
  private void askThrough(int k) {
    if (call != null && k >= requested) {
      call.request(k + 1 - requested);
      requested = k + 1;
    }
  }

  @Override
  public synchronized void onNext(CorrectionsChunk c) {
    if (failed) return;
    try {
      if (received >= chunks.length) throw invalid("dealer sent more corrections than the %d expected", count);
      int items = (int) Math.min(perChunk, count - (long) received * perChunk);
      var data = c.getData();
      if (data.size() != 8L * items * kind.correctionWords) throw invalid("dealer sent a malformed corrections chunk");
      long[] words = new long[data.size() / 8];
      data.asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
      counted.accept(data.size());
      chunks[received++].complete(words);
    } catch (RuntimeException e) {
      failAll(fail.apply(e));
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    if (!failed) failAll(fail.apply(io.grpc.Status.fromThrowable(t).asRuntimeException()));
  }

  @Override
  public synchronized void onCompleted() {
    if (!failed && received != chunks.length) {
      failAll(fail.apply(invalid("dealer sent %d chunks of corrections, expected %d", received, chunks.length)));
    }
  }

  /** Stops a stream the session no longer reads (it failed, or used less than it declared): the dealer stops computing. */
  synchronized void cancel() {
    if (failed || received == chunks.length || call == null) return;
    failed = true;
    call.cancel("the session ended", null);
  }

  private void failAll(RuntimeException e) {
    failed = true;
    for (CompletableFuture<long[]> f : chunks) if (f != null) f.completeExceptionally(e);
  }

  /** Corrections of items [start, start + n): {@code kind.correctionWords} arrays of n. */
  long[][] take(long start, int n) {
    int per = kind.correctionWords;
    if (start < (long) released * perChunk) throw invalid("%s corrections taken out of order", kind.noun);
    if (start < 0 || start + n > count) throw invalid("plan uses more %s than it declared", kind.noun);
    long[][] out = new long[per][n];
    for (long item = start; item < start + n; ) {
      int k = (int) (item / perChunk);
      askThrough(k);
      long[] words = session.await(chunks[k], "the dealer");
      long chunkStart = (long) k * perChunk, upto = Math.min(chunkStart + words.length / per, start + n);
      for (long i = item; i < upto; i++) {
        int at = (int) (i - chunkStart) * per;
        for (int j = 0; j < per; j++) out[j][(int) (i - start)] = words[at + j];
      }
      item = upto;
    }
    int used = (int) ((start + n) / perChunk); // chunks wholly before the next item
    if (start + n == count) used = chunks.length;
    for (; released < used; released++) chunks[released] = null;
    askThrough(Math.min(chunks.length, released + window) - 1);
    return out;
  }
}
