package smpc.party;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.precondition;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import smpc.core.Failure;
import smpc.core.protocol.Limits;
import smpc.net.Statuses;
import smpc.proto.DType;
import smpc.proto.InputChunk;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * One Input call: a client's private value arriving in chunks, checked on the first (the caller's right, the
 * name, the length and shape, a real's fractional bits) and written through to the store a segment at a time,
 * so that a long input is never held whole; added when the stream completes, dropped if it fails.
 */
final class InputUpload implements StreamObserver<InputChunk> {
  private final StreamObserver<ValueInfo> resp;
  private final ValueStore store;
  private final Quotas quotas;
  private final String me;
  private final int fracBits;
  private final Consumer<String> allowed; // refuses (and audits) a caller who may not input here
  private ValueInfo info;
  private Quotas.Ticket memory;
  private ValueStore.Ingest ingest;
  private boolean failed;

  /**
   * An Input call's observer whose every callback runs on {@code pool}, in order, one chunk at a time (gRPC's manual flow
   * control: the next chunk is asked for once this one is written). The network threads, which also carry the peers'
   * messages, never wait for the disk: neither for a segment's write nor for a refused caller's audit record and its
   * sync, which any certificate holder can provoke. A chunk not asked for yet waits in the HTTP/2 flow-control window.
   * {@code permitted}: whether the caller may input here at all ({@code allowed} refuses and records it).
   */
  static StreamObserver<InputChunk> onPool(StreamObserver<ValueInfo> resp, java.util.concurrent.Executor pool, boolean permitted, ValueStore store,
      Quotas quotas, String me, int fracBits, Consumer<String> allowed) {
    io.grpc.stub.ServerCallStreamObserver<ValueInfo> call = (io.grpc.stub.ServerCallStreamObserver<ValueInfo>) resp;
    call.disableAutoRequest();
    java.util.concurrent.Executor serial = com.google.common.util.concurrent.MoreExecutors.newSequentialExecutor(pool);
    io.grpc.Context context = io.grpc.Context.current(); // the call's (its caller, its cancellation), as on the network thread
    InputUpload upload = new InputUpload(resp, store, quotas, me, fracBits, allowed);
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(InputChunk given) {
        // a caller who may not input here is refused on the pool (its record synced first) at its first chunk: that
        // chunk waits there without its data, so a flood of refused uploads queues names, not megabytes
        InputChunk c = permitted ? given : given.toBuilder().clearData().build();
        serial.execute(context.wrap(() -> {
          upload.onNext(c);
          if (!upload.failed) call.request(1);
        }));
      }

      @Override
      public void onError(Throwable t) {
        serial.execute(() -> upload.onError(t));
      }

      @Override
      public void onCompleted() {
        serial.execute(context.wrap(upload::onCompleted));
      }
    };
  }

  private InputUpload(StreamObserver<ValueInfo> resp, ValueStore store, Quotas quotas, String me, int fracBits, Consumer<String> allowed) {
    this.resp = resp;
    this.store = store;
    this.quotas = quotas;
    this.me = me;
    this.fracBits = fracBits;
    this.allowed = allowed;
  }

  @Override
  public void onNext(InputChunk c) {
    if (failed) return;
    try {
      if (info == null) start(c);
      if (c.getData().size() % 8 != 0) throw invalid("input '%s' has a partial element", info.getName());
      ingest.append(c.getData().asReadOnlyByteBuffer());
    } catch (RuntimeException | OutOfMemoryError e) {
      failed = true;
      abort();
      resp.onError(e instanceof StatusRuntimeException || e instanceof Failure ? Statuses.status(e) : e instanceof OutOfMemoryError
          ? Status.RESOURCE_EXHAUSTED.withDescription("party ran out of memory for this input").asRuntimeException()
          : Status.INVALID_ARGUMENT.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
    }
  }

  private void start(InputChunk c) {
    String name = ValueStore.checkName(c.getName());
    allowed.accept(name);
    if (c.getDtype() == DType.REAL && c.getFracBits() != fracBits) {
      throw precondition("real input '%s' is encoded with %d fractional bits but %s uses %d", name, c.getFracBits(), me, fracBits);
    }
    if (c.getLength() < 1) throw invalid("value '%s' is an empty vector", name);
    if (c.getLength() > Limits.MAX_VECTOR) throw invalid("value '%s' has %d elements, more than %d", name, c.getLength(), Limits.MAX_VECTOR);
    if (c.getCols() < 0 || (c.getCols() > 0 && c.getLength() % c.getCols() != 0)) {
      throw invalid("value '%s' has %d elements, not rows of %d columns", name, c.getLength(), c.getCols());
    }
    boolean real = c.getDtype() == DType.REAL;
    info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
        .setLength(c.getLength()).setOwner(me).addProvenance(me).setFracBits(real ? fracBits : 0).setCols(c.getCols()).build();
    memory = quotas.input(Math.min(c.getLength(), ValueStore.SEGMENT)); // the one segment held at a time
    ingest = store.ingest(info);
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
    Handlers.guard(resp, this::abort); // may delete written segments
  }

  private void abort() {
    if (ingest != null) ingest.abort();
    ingest = null;
    if (memory != null) memory.close();
  }

  @Override
  public void onCompleted() {
    if (failed) return;
    Handlers.guard(resp, () -> {
      try (Quotas.Ticket held = memory) { // the buffer is the store's (or garbage) once this ends
        if (info == null) throw invalid("empty input stream");
        ingest.add(info);
      } catch (RuntimeException e) {
        if (ingest != null) ingest.abort();
        throw e;
      }
      resp.onNext(info);
      resp.onCompleted();
    });
  }
}
