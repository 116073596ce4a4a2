package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpc.proto.AbortRequest;
import smpc.proto.Approval;
import smpc.proto.ConsentGrpc;
import smpc.proto.ListRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.Policy;
import smpc.proto.RevokeRequest;

/**
 * The calls whose work may block (a sync to the disk, a lock a dealer fetch holds) hand it to the party's io pool:
 * the server runs handlers on its network threads, which also carry the peers' messages, so a handler that waited
 * there held up every session on that thread. Served here as a party serves them (handlers on the calling thread),
 * with an io pool that runs nothing until the test lets it: no call is answered before its work ran on that pool.
 */
class BlockingCallsTest {
  /** An io pool that holds every task until {@link #runAll}. */
  private static final class HeldPool extends AbstractExecutorService {
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      for (Runnable r; (r = tasks.poll()) != null; ) r.run();
    }

    @Override public void shutdown() {}
    @Override public List<Runnable> shutdownNow() { return List.of(); }
    @Override public boolean isShutdown() { return false; }
    @Override public boolean isTerminated() { return false; }
    @Override public boolean awaitTermination(long t, TimeUnit u) { return true; }
  }

  private final HeldPool io = new HeldPool();
  private Peers peers;
  private ValueStore store;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = "blocking-calls-" + System.nanoTime();
    peers = new Peers("alice", Map.of("bob", "unused"), "no-dealer-" + name, a -> InProcessChannelBuilder.forName(a).build());
    store = new ValueStore("alice", null);
    Consents consents = new Consents("alice", null);
    AuditLog audit = new AuditLog("alice", null);
    PartyService party = new PartyService(peers, store, new Mailbox(1 << 20), io, io, 16, new Quotas("alice", Quotas.Limits.defaults()), consents,
        audit);
    server = InProcessServerBuilder.forName(name).directExecutor().addService(party).addService(new ConsentService("alice", consents, store, peers, io, audit))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    peers.close();
    store.close();
  }

  /** Makes a call; its answer (a reply or an error) completes the future. */
  private static <T> CompletableFuture<String> call(Consumer<StreamObserver<T>> call) {
    CompletableFuture<String> answered = new CompletableFuture<>();
    call.accept(new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable t) {
        answered.complete("error: " + t.getMessage());
      }

      @Override
      public void onCompleted() {
        answered.complete("ok");
      }
    });
    return answered;
  }

  @Test
  void abortAndConsentCallsRunOnTheIoPool() throws Exception {
    PartyGrpc.PartyStub party = PartyGrpc.newStub(channel);
    ConsentGrpc.ConsentStub consent = ConsentGrpc.newStub(channel);
    int before = io.tasks.size();
    List<CompletableFuture<String>> calls = List.of(
        BlockingCallsTest.<smpc.proto.AbortReply>call(o -> party.abort(AbortRequest.newBuilder().setSessionId(ByteString.copyFromUtf8("some session")).setReason("test").build(), o)),
        BlockingCallsTest.<Approval>call(o -> consent.approve(Approval.getDefaultInstance(), o)),
        BlockingCallsTest.<Policy>call(o -> consent.setPolicy(Policy.getDefaultInstance(), o)),
        BlockingCallsTest.<smpc.proto.RevokeReply>call(o -> consent.revoke(RevokeRequest.getDefaultInstance(), o)),
        BlockingCallsTest.<smpc.proto.Consents>call(o -> consent.listConsents(ListRequest.getDefaultInstance(), o)));
    for (CompletableFuture<String> c : calls) assertThat(c).as("answered before its work ran on the io pool").isNotDone();
    assertThat(io.tasks).hasSize(before + calls.size());

    io.runAll();
    for (CompletableFuture<String> c : calls) assertThat(c.get(10, TimeUnit.SECONDS)).isNotNull();
  }

  /**
   * An input's chunks are each handled on the io pool, the next asked for once one is written (a refused caller's
   * audit record is synced there too), while Status is answered at once, whatever waits there: it takes no lock.
   */
  @Test
  void inputChunksAndStatusRunOnTheIoPool() throws Exception {
    PartyGrpc.PartyStub party = PartyGrpc.newStub(channel);
    int before = io.tasks.size();
    CompletableFuture<String> status = BlockingCallsTest.<smpc.proto.StatusReply>call(o -> party.status(smpc.proto.StatusRequest.getDefaultInstance(), o));
    CompletableFuture<String> input = BlockingCallsTest.<smpc.proto.ValueInfo>call(o -> {
      StreamObserver<smpc.proto.InputChunk> up = party.input(o);
      long[] x = {7, -3, 1L << 40};
      up.onNext(smpc.proto.InputChunk.newBuilder().setName("x").setDtype(smpc.proto.DType.INT).setLength(x.length)
          .setData(ByteString.copyFrom(smpc.core.ring.Packing.toBytes(new long[] {x[0], x[1]}))).build());
      up.onNext(smpc.proto.InputChunk.newBuilder().setData(ByteString.copyFrom(smpc.core.ring.Packing.toBytes(new long[] {x[2]}))).build());
      up.onCompleted();
    });
    assertThat(status).as("Status answered while everything else waits").isCompletedWithValue("ok");
    assertThat(input).as("Input answered before its chunks ran on the io pool").isNotDone();
    assertThat(store.info("x")).as("a chunk was handled on the network thread").isNull();
    assertThat(io.tasks.size()).isGreaterThan(before);

    io.runAll();
    assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(input.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(store.get("x").read(0, 3)).containsExactly(7, -3, 1L << 40);
  }
}
