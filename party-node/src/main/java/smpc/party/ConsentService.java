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
 * Each call runs on the io pool: a consent is saved and synced to the disk before it is answered, which a network
 * thread (it also carries peers' messages) must not wait for.
 */
final class ConsentService extends ConsentGrpc.ConsentImplBase {
  private final Consents consents;
  private final ValueStore store;
  private final Peers peers;
  private final Authorizer authorizer;
  private final java.util.concurrent.Executor io;

  ConsentService(String me, Consents consents, ValueStore store, Peers peers, java.util.concurrent.Executor io) {
    this.io = io;
    this.consents = consents;
    this.store = store;
    this.peers = peers;
    this.authorizer = new Authorizer(me);
  }

  @Override
  public void approve(Approval req, StreamObserver<Approval> resp) {
    PartyService.offload(io, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      authorizer.consent(caller, "approve computations");
      reply(resp, consents.approve(caller, req));
    });
  }

  @Override
  public void setPolicy(Policy req, StreamObserver<Policy> resp) {
    PartyService.offload(io, resp, () -> {
      Authorizer.Principal caller = authorizer.caller();
      authorizer.consent(caller, "set policies");
      reply(resp, consents.setPolicy(caller, req, store.info(req.getValue()), peers.parties()));
    });
  }

  @Override
  public void revoke(RevokeRequest req, StreamObserver<RevokeReply> resp) {
    PartyService.offload(io, resp, () -> {
      authorizer.consent(authorizer.caller(), "revoke consents");
      reply(resp, RevokeReply.newBuilder().setRevoked(consents.revoke(req)).build());
    });
  }

  @Override
  public void listConsents(ListRequest req, StreamObserver<smpc.proto.Consents> resp) {
    PartyService.offload(io, resp, () -> {
      authorizer.listConsents(authorizer.caller());
      reply(resp, consents.list());
    });
  }

  private static <T> void reply(StreamObserver<T> resp, T value) {
    resp.onNext(value);
    resp.onCompleted();
  }
}
