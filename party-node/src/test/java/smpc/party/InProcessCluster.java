package smpc.party;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import smpc.core.protocol.Limits;
import smpc.core.protocol.ProtocolSuite;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.dealer.DealerNode;
import smpc.proto.DeleteReply;
import smpc.proto.Envelope;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.InputChunk;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * Party nodes and a dealer in this JVM, on in-process gRPC servers and channels: the real party, peer and
 * dealer services, peer streams, mailbox and dealer link, without sockets. Values go in by the Input call
 * and sessions run by Execute calls to every party at once, as a coordinator makes them. Every message a party
 * sends to a peer is recorded as it leaves (its header: session, sender, receiver, tag, size).
 */
final class InProcessCluster implements ProtocolSuite.Harness {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long TIMEOUT_MS = 60_000;

  private final List<String> parties;
  private final int fracBits;
  private final DealerNode dealer;
  private final String dealerName;
  private final List<PartyNode> nodes = new ArrayList<>();
  private final List<ManagedChannel> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

  /** A message one party sent another, as it went on the wire (its first chunk). */
  record Sent(ByteString session, String from, String to, String tag, long bytes) {}

  InProcessCluster(List<String> parties, int fracBits) throws IOException {
    this.parties = List.copyOf(parties);
    this.fracBits = fracBits;
    String prefix = "smpc-" + UUID.randomUUID() + "-"; // server names are global to the JVM
    // as the processes run them: handlers and call callbacks on the transport thread (see PartyNode.start)
    dealerName = prefix + "dealer";
    dealer = DealerNode.start(InProcessServerBuilder.forName(dealerName).directExecutor());
    for (String name : parties) {
      Map<String, String> peers = new HashMap<>();
      for (String p : parties) if (!p.equals(name)) peers.put(p, prefix + p);
      nodes.add(PartyNode.start(name, InProcessServerBuilder.forName(prefix + name).directExecutor(),
          address -> InProcessChannelBuilder.forName(address).directExecutor().intercept(recorder(name, address.substring(prefix.length())))
              .build(), peers, prefix + "dealer", fracBits, 1L << 30));
      clients.add(InProcessChannelBuilder.forName(prefix + name).build());
    }
  }

  /** Records the calls {@code from} starts on a channel to {@code to}, and the peer messages that go out on it. */
  private ClientInterceptor recorder(String from, String to) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        calls.add(new Call(from, to, method.getBareMethodName()));
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void sendMessage(Q message) {
            if (message instanceof Envelope e && e.getOffset() == 0) {
              sent.add(new Sent(e.getSessionId(), e.getFrom(), to, e.getTag(), e.getTotalBytes()));
            }
            super.sendMessage(message);
          }
        };
      }
    };
  }

  /** A call a party started, to a peer or the dealer (named by its server name: "dealer"). */
  record Call(String from, String to, String method) {}

  /** Every call the parties started so far (Stream, Deliver, SeedKey, Corrections, ...). */
  List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Every message sent between parties in a session so far. */
  List<Sent> sent(ByteString session) {
    return sent.stream().filter(m -> m.session().equals(session)).toList();
  }

  List<String> parties() {
    return parties;
  }

  /** A channel to the dealer (plaintext, in process: any caller may name any party), for the caller to close. */
  ManagedChannel dealerChannel() {
    return InProcessChannelBuilder.forName(dealerName).build();
  }

  private PartyGrpc.PartyStub party(int i) {
    return PartyGrpc.newStub(clients.get(i)).withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void input(StoredValue value) {
    ValueInfo info = value.info();
    CompletableFuture<ValueInfo> stored = new CompletableFuture<>();
    StreamObserver<InputChunk> up = party(parties.indexOf(info.getOwner())).input(observer(stored, r -> r));
    byte[] data = Packing.toBytes(value.data());
    for (int off = 0; off == 0 || off < data.length; off += Limits.CHUNK_BYTES) {
      InputChunk.Builder c = InputChunk.newBuilder()
          .setData(UnsafeByteOperations.unsafeWrap(data, off, Math.min(Limits.CHUNK_BYTES, data.length - off)));
      if (off == 0) c.setName(info.getName()).setDtype(info.getDtype()).setLength(info.getLength()).setFracBits(info.getFracBits());
      up.onNext(c.build());
    }
    up.onCompleted();
    stored.join();
  }

  @Override
  public List<ProtocolSuite.Result> run(Plan plan) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(id)).addAllParties(parties)
        .setDeadlineUnixMs(System.currentTimeMillis() + TIMEOUT_MS).setPlan(plan).setFracBits(fracBits).build();
    List<CompletableFuture<ProtocolSuite.Result>> calls = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) calls.add(execute(i, req));
    // every party's call ends before the first failure is thrown: what a test then reads (audit logs) is written
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    return calls.stream().map(CompletableFuture::join).toList();
  }

  /** Aborts a session at every party, as a coordinator does once one party failed (smpc.sdk.Sessions). */
  void abort(ByteString session) {
    for (int i = 0; i < parties.size(); i++) {
      PartyGrpc.newBlockingStub(clients.get(i)).withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .abort(smpc.proto.AbortRequest.newBuilder().setSessionId(session).setReason("a party failed").build());
    }
  }

  /** One party's Execute call, as a coordinator (honest or not) makes it. */
  CompletableFuture<ProtocolSuite.Result> execute(int party, ExecuteRequest req) {
    CompletableFuture<List<ExecuteReply>> replies = new CompletableFuture<>();
    List<ExecuteReply> got = new ArrayList<>();
    party(party).execute(req, new StreamObserver<>() {
      @Override
      public void onNext(ExecuteReply r) {
        got.add(r);
      }

      @Override
      public void onError(Throwable t) {
        replies.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        replies.complete(got);
      }
    });
    return replies.thenApply(InProcessCluster::result);
  }

  /** A party's replies: its revealed outputs, each joined from its chunks, and its statistics. */
  private static ProtocolSuite.Result result(List<ExecuteReply> replies) {
    Map<Integer, Revealed.Builder> outputs = new TreeMap<>();
    SessionStats stats = null;
    for (ExecuteReply r : replies) {
      if (r.hasStats()) stats = r.getStats();
      if (!r.hasRevealed()) continue;
      Revealed part = r.getRevealed();
      Revealed.Builder whole = outputs.computeIfAbsent(part.getOutput(), k -> part.toBuilder().setData(ByteString.EMPTY).setOffset(0));
      if (part.getOffset() * 8 != whole.getData().size()) throw new IllegalStateException("chunk out of order: " + part.getOffset());
      whole.setData(whole.getData().concat(part.getData()));
    }
    return new ProtocolSuite.Result(outputs.values().stream().map(Revealed.Builder::build).toList(), stats);
  }

  /** What a party stores under a name (its private value or its share). */
  StoredValue stored(String party, String name) {
    return nodes.get(parties.indexOf(party)).stored(name);
  }

  /** A party's audit log as its Audit call returns it: the records' bytes and the head its process wrote last. */
  record Log(List<byte[]> records, ByteString head) {}

  Log audit(String party) {
    List<byte[]> records = new ArrayList<>();
    ByteString head = null;
    for (var it = PartyGrpc.newBlockingStub(clients.get(parties.indexOf(party))).withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .audit(smpc.proto.AuditRequest.getDefaultInstance()); it.hasNext(); ) {
      smpc.proto.AuditChunk c = it.next();
      c.getRecordsList().forEach(r -> records.add(r.toByteArray()));
      if (!c.getHead().isEmpty()) head = c.getHead();
    }
    return new Log(records, head);
  }

  /** A private value of party {@code i}, downloaded by GetValue chunk by chunk. */
  long[] fetch(int i, String name) {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    party(i).getValue(NameRequest.newBuilder().setName(name).build(), new StreamObserver<smpc.proto.ValueChunk>() {
      private long[] out;
      private int at;

      @Override
      public void onNext(smpc.proto.ValueChunk c) {
        if (c.hasInfo()) out = new long[(int) c.getInfo().getLength()];
        long[] part = Packing.fromByteString(c.getData());
        System.arraycopy(part, 0, out, at, part.length);
        at += part.length;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(out);
      }
    });
    return done.join();
  }

  @Override
  public void delete(String name) {
    List<CompletableFuture<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) {
      CompletableFuture<Boolean> deleted = new CompletableFuture<>();
      party(i).deleteValue(NameRequest.newBuilder().setName(name).build(), observer(deleted, DeleteReply::getDeleted));
      calls.add(deleted);
    }
    calls.forEach(CompletableFuture::join);
  }

  private static <R, T> StreamObserver<R> observer(CompletableFuture<T> done, java.util.function.Function<R, T> value) {
    return new StreamObserver<>() {
      @Override
      public void onNext(R r) {
        done.complete(value.apply(r));
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!done.isDone()) done.completeExceptionally(new IllegalStateException("no reply"));
      }
    };
  }

  @Override
  public void close() {
    clients.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(PartyNode::close);
    dealer.close();
  }
}
