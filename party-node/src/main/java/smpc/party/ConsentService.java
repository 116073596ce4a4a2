package smpc.party;

import io.grpc.stub.StreamObserver;
import smpc.proto.Approval;
import smpc.proto.ConsentGrpc;
import smpc.proto.ListRequest;
import smpc.proto.Policy;
import smpc.proto.RevokeReply;
import smpc.proto.RevokeRequest;

/**
 * A party's consent endpoints: its own client grants and withdraws its organisation's consents ({@link Consents}).
 * Each call runs on the calls pool ({@link CallsPool}): a consent is saved and synced to the disk before it is
 * answered, which a network thread (it also carries peers' messages) must not wait for.
 */
final class ConsentService extends ConsentGrpc.ConsentImplBase {
  private final Consents consents;
  private final ValueStore store;
  private final Peers peers;
  private final Authorizer authorizer;
  private final java.util.concurrent.Executor calls;
  private final AuditLog audit;

  /** @param audit where a refused call is recorded, as every party call's */
  ConsentService(String me, Consents consents, ValueStore store, Peers peers, java.util.concurrent.Executor calls, AuditLog audit) {
    this.calls = calls;
    this.audit = audit;
    this.consents = consents;
    this.store = store;
    this.peers = peers;
    this.authorizer = new Authorizer(me);
  }

  @Override
  public void approve(Approval req, StreamObserver<Approval> resp) {
    Handlers.offload(calls, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      audit.check(caller, "Approve", smpc.core.protocol.Digests.hex(req.getComputationDigest().toByteArray()), () -> authorizer.consent(caller, "approve computations"));
      reply(resp, consents.approve(caller, req));
    });
  }

  @Override
  public void setPolicy(Policy req, StreamObserver<Policy> resp) {
    Handlers.offload(calls, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      audit.check(caller, "SetPolicy", req.getValue(), () -> authorizer.consent(caller, "set policies"));
      reply(resp, consents.setPolicy(caller, req, store.info(req.getValue()), peers.parties()));
    });
  }

  @Override
  public void revoke(RevokeRequest req, StreamObserver<RevokeReply> resp) {
    Handlers.offload(calls, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      audit.check(caller, "Revoke", req.getValue(), () -> authorizer.consent(caller, "revoke consents"));
      reply(resp, RevokeReply.newBuilder().setRevoked(consents.revoke(req)).build());
    });
  }

  @Override
  public void listConsents(ListRequest req, StreamObserver<smpc.proto.Consents> resp) {
    Handlers.offload(calls, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      audit.check(caller, "ListConsents", "", () -> authorizer.listConsents(caller));
      reply(resp, consents.list());
    });
  }

  private static <T> void reply(StreamObserver<T> resp, T value) {
    resp.onNext(value);
    resp.onCompleted();
  }
}
