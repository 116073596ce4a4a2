package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import smpc.core.ring.Packing;
import smpc.net.Chunks;
import smpc.net.Grpc;
import smpc.net.Tls;
import smpc.proto.AbortRequest;
import smpc.proto.DType;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.InputChunk;
import smpc.proto.Instr;
import smpc.proto.ListRequest;
import smpc.proto.NameRequest;
import smpc.proto.Op;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.proto.ValueChunk;
import smpc.proto.ValueInfo;

/**
 * A hand-written client of a mutual-TLS test cluster, as the adversarial review used: the raw gRPC API with
 * any certificate of the cluster's certificates directory, and hand-made plans.
 */
final class Adversary implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TestCluster cluster;
  private final Path certs;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  Adversary(TestCluster cluster) {
    this.cluster = cluster;
    this.certs = cluster.dir.resolve("certs");
  }

  /** A channel to a party (or "dealer") presenting {@code principal}'s certificate. */
  ManagedChannel channel(String process, String principal) {
    var c = cluster.config();
    String address = process.equals("dealer") ? c.dealer().address()
        : c.parties().stream().filter(n -> n.name().equals(process)).findFirst().orElseThrow().address();
    return channels.computeIfAbsent(process + " " + principal, k -> Grpc.channel(address, new Tls(certs, principal)));
  }

  PartyGrpc.PartyBlockingStub party(String party, String principal) {
    return PartyGrpc.newBlockingStub(channel(party, principal)).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  ValueInfo input(String party, String principal, String name, long... values) {
    Chunks.Upload<InputChunk, ValueInfo> up = Chunks.upload(1, k -> InputChunk.newBuilder().setName(name).setDtype(DType.INT)
        .setLength(values.length).setData(ByteString.copyFrom(Packing.toBytes(values))).build());
    PartyGrpc.newStub(channel(party, principal)).withDeadlineAfter(20, TimeUnit.SECONDS).input(up);
    try {
      return up.reply.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  long[] get(String party, String principal, String name) {
    Iterator<ValueChunk> it = party(party, principal).getValue(NameRequest.newBuilder().setName(name).build());
    ByteString data = ByteString.EMPTY;
    while (it.hasNext()) data = data.concat(it.next().getData());
    return Packing.fromByteString(data);
  }

  List<ValueInfo> list(String party, String principal) {
    return party(party, principal).listValues(ListRequest.getDefaultInstance()).getValuesList();
  }

  ValueInfo info(String party, String name) {
    return list(party, "client-" + party).stream().filter(v -> v.getName().equals(name)).findFirst().orElse(null);
  }

  boolean delete(String party, String principal, String name) {
    return party(party, principal).deleteValue(NameRequest.newBuilder().setName(name).build()).getDeleted();
  }

  boolean abort(String party, String principal, ByteString session) {
    return party(party, principal).abort(AbortRequest.newBuilder().setSessionId(session).setReason("test").build()).getWasRunning();
  }

  /** How party {@code party} answers an Approve from {@code principal}. */
  Status refusalOfConsent(String party, String principal) {
    try {
      smpc.proto.ConsentGrpc.newBlockingStub(channel(party, principal)).withDeadlineAfter(10, TimeUnit.SECONDS)
          .approve(smpc.proto.Approval.newBuilder().setComputationDigest(ByteString.copyFrom(new byte[32])).build());
      return Status.OK;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static ByteString sessionId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  static ExecuteRequest request(ByteString id, List<String> parties, Plan plan, long millis) {
    return ExecuteRequest.newBuilder().setSessionId(id).addAllParties(parties).setPlan(plan)
        .setDeadlineUnixMs(System.currentTimeMillis() + millis).build();
  }

  /** Starts a session on one party as {@code principal}; the future completes with how its call ended (null: OK). */
  CompletableFuture<Status> start(String party, String principal, ExecuteRequest req) {
    return start(party, principal, req, new java.util.concurrent.CopyOnWriteArrayList<>());
  }

  /** As above, keeping every reply the party streams back in {@code replies}. */
  CompletableFuture<Status> start(String party, String principal, ExecuteRequest req, List<ExecuteReply> replies) {
    CompletableFuture<Status> done = new CompletableFuture<>();
    PartyGrpc.newStub(channel(party, principal)).withDeadlineAfter(60, TimeUnit.SECONDS).execute(req, new StreamObserver<>() {
      public void onNext(ExecuteReply r) {
        replies.add(r);
      }

      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t));
      }

      public void onCompleted() {
        done.complete(Status.OK);
      }
    });
    return done;
  }

  /** Runs a plan on {@code as}'s parties (in that order), each called as the principal given for it; how each call ended. */
  Map<String, Status> execute(Map<String, String> as, Plan plan) {
    ExecuteRequest req = request(sessionId(), List.copyOf(as.keySet()), plan, 15_000);
    Map<String, CompletableFuture<Status>> calls = new LinkedHashMap<>();
    as.forEach((p, who) -> calls.put(p, start(p, who, req)));
    Map<String, Status> out = new LinkedHashMap<>();
    calls.forEach((p, f) -> out.put(p, f.join()));
    return out;
  }

  /** Runs a plan on every given party, all called as {@code principal}. */
  Map<String, Status> execute(String principal, List<String> parties, Plan plan) {
    Map<String, String> as = new LinkedHashMap<>();
    for (String p : parties) as.put(p, principal);
    return execute(as, plan);
  }

  /** The refusal of a plan by one party, called as {@code principal}, before it sends anything (the others are not called). */
  Status refusal(String party, String principal, List<String> parties, Plan plan) {
    return start(party, principal, request(sessionId(), parties, plan, 15_000)).join();
  }

  static Plan plan(Instr.Builder... instrs) {
    Plan.Builder b = Plan.newBuilder();
    for (Instr.Builder i : instrs) b.addInstrs(i);
    return b.build();
  }

  static Instr.Builder constant(long value) {
    return Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {value})));
  }

  /** A LOAD declaring the value's owners (every holder checks them against its record). */
  static Instr.Builder load(String name, String... owners) {
    return Instr.newBuilder().setOp(Op.LOAD).addDst(0).setName(name).addAllProvenance(List.of(owners));
  }

  /**
   * A SHARE of a scalar, its length declared as the compiler and the SDK declare it: a holder estimates an
   * undeclared one at the longest vector a step may hold, which a 1 GiB party's memory budget refuses before
   * the checks these tests are about.
   */
  static Instr.Builder share(String owner, String name) {
    return Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName(name).setParty(owner).setLength(1);
  }

  static Instr.Builder store(String name, boolean replace, String owner) {
    return Instr.newBuilder().setOp(Op.STORE).addSrc(0).setName(name).setDtype(DType.INT).setReplace(replace).setOwner(owner);
  }

  static Instr.Builder reveal(String to, String name) {
    return Instr.newBuilder().setOp(Op.REVEAL).addSrc(0).setParty(to).setDtype(DType.INT).setName(name);
  }

  /** The call fails with {@code code} and a description containing {@code message}. */
  static void assertRefused(ThrowingCallable call, Status.Code code, String message) {
    assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class).satisfies(e -> assertStatus(((StatusRuntimeException) e).getStatus(), code, message));
  }

  static void assertStatus(Status s, Status.Code code, String message) {
    assertThat(s.getCode()).as("%s", s).isEqualTo(code);
    assertThat(s.getDescription()).contains(message);
  }

  static List<String> names(List<ValueInfo> values) {
    List<String> out = new ArrayList<>();
    for (ValueInfo v : values) out.add(v.getName());
    return out;
  }

  @Override
  public void close() {
    Grpc.close(channels.values());
  }
}
