package smpc.party;

import smpc.net.Statuses;
import static smpc.core.Errors.denied;
import static smpc.core.Errors.exists;
import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.net.Tls;
import smpc.net.Version;
import smpc.net.Chunks;
import smpc.core.protocol.Disclosure;
import smpc.core.protocol.RevealRoutes;
import smpc.core.protocol.InputSeeds;
import smpc.core.protocol.Material;
import smpc.core.protocol.Limits;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.AbortReply;
import smpc.proto.AbortRequest;
import smpc.proto.DType;
import smpc.proto.DeleteReply;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.InputChunk;
import smpc.proto.Kind;
import smpc.proto.ListReply;
import smpc.proto.ListRequest;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.Revealed;
import smpc.proto.StatusReply;
import smpc.proto.StatusRequest;
import smpc.proto.ValueChunk;
import smpc.proto.ValueInfo;

/** The coordinator-facing service of a party: its store, and sessions it runs with its peers. */
final class PartyService extends PartyGrpc.PartyImplBase {
  private static final Logger LOG = Logger.getLogger(PartyService.class.getName());

  private final Peers peers;
  private final ValueStore store;
  private final Mailbox mailbox;
  private final ExecutorService io;
  private final java.util.concurrent.Executor calls;
  private final int fracBits;
  private final Quotas quotas;
  private final Consents consents;
  private final Map<ByteString, Session> active = new ConcurrentHashMap<>();
  private final Authorizer authorizer;
  private final AuditLog audit;
  private final Alignment alignment;
  /** This party's dealer seed key, and the key ids its peers last announced. */
  private final DealerKeys keys;
  private final EarlyAborts earlyAborts = new EarlyAborts();
  private final Starts starts = new Starts();

  /** @param io sessions and alignments (they wait for the other parties); @param calls the rest ({@link CallsPool}) */
  PartyService(Peers peers, ValueStore store, Mailbox mailbox, ExecutorService io, java.util.concurrent.Executor calls, int fracBits, Quotas quotas,
      Consents consents, AuditLog audit) {
    this.calls = calls;
    this.audit = audit;
    this.quotas = quotas;
    this.consents = consents;
    this.peers = peers;
    this.keys = new DealerKeys(peers);
    this.store = store;
    this.mailbox = mailbox;
    this.io = io;
    this.fracBits = fracBits;
    this.authorizer = new Authorizer(peers.me);
    this.alignment = new Alignment(peers, store, mailbox, quotas);
  }

  /** Fetches this party's dealer key before any session needs it ({@link ConnectAhead}). */
  void fetchKeyAhead() {
    keys.refresh(DealerKeys.FETCH_MS); // a session starting meanwhile waits no longer than for a fetch of its own
  }

  boolean isActive(ByteString session) {
    return active.containsKey(session);
  }

  @Override
  public StreamObserver<InputChunk> input(StreamObserver<ValueInfo> resp) {
    Authorizer.Principal caller = authorizer.caller();
    boolean permitted = authorizer.mayInput(caller); // a hint: the refusal and its record are made on the pool
    return InputUpload.onPool(resp, calls, permitted, store, quotas, peers.me, fracBits,
        name -> audit.check(caller, "Input", name, () -> authorizer.input(caller)));
  }

  @Override
  public void getValue(NameRequest req, StreamObserver<ValueChunk> resp) {
    Chunks.Download<ValueChunk> download = Chunks.download(resp, calls); // its chunks are read from the store: off the network threads
    Authorizer.Principal caller = authorizer.caller();
    Handlers.offloadRead(calls, resp, () -> {
      audit.check(caller, "GetValue", req.getName(), () -> authorizer.read(caller, req.getName())); // before anything about the name is told
      ValueInfo info = store.info(req.getName()); // checks first: the data is read only for an allowed caller
      if (info == null) throw notFound("value '%s' not found on %s", req.getName(), peers.me);
      if (info.getKind() != Kind.PRIVATE) {
        throw denied("value '%s' on %s is a share; shares never leave a party outside the protocol", req.getName(), peers.me);
      }
      StoredValue v = store.get(req.getName());
      if (v == null) throw notFound("value '%s' not found on %s", req.getName(), peers.me); // deleted meanwhile
      int per = Limits.CHUNK_BYTES / 8; // read a chunk at a time: a long vector is never held whole
      download.start(Chunks.count(8 * v.length(), Limits.CHUNK_BYTES), k -> {
        long[] part = v.read((long) k * per, (int) Math.min(per, v.length() - (long) k * per));
        ValueChunk.Builder b = ValueChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(Packing.toBytes(part)));
        if (k == 0) b.setInfo(v.info());
        return b.build();
      });
    });
  }

  @Override
  public void deleteValue(NameRequest req, StreamObserver<DeleteReply> resp) {
    Authorizer.Principal caller = authorizer.caller();
    handle(resp, () -> {
      audit.check(caller, "DeleteValue", req.getName(), () -> authorizer.delete(caller, req.getName(), store.info(req.getName())));
      boolean deleted = store.delete(req.getName(), req.getSessionId());
      if (deleted) consents.forget(req.getName());
      reply(resp, DeleteReply.newBuilder().setDeleted(deleted).build());
    });
  }

  @Override
  public void listValues(ListRequest req, StreamObserver<ListReply> resp) {
    Authorizer.Principal caller = authorizer.caller();
    Handlers.offloadRead(calls, resp, () -> {
      audit.check(caller, "ListValues", "", () -> authorizer.list(caller));
      reply(resp, ListReply.newBuilder().addAllValues(store.list()).build());
    });
  }

  @Override
  public void audit(smpc.proto.AuditRequest req, StreamObserver<smpc.proto.AuditChunk> resp) {
    Chunks.Download<smpc.proto.AuditChunk> download = Chunks.download(resp);
    Authorizer.Principal caller = authorizer.caller();
    Handlers.offloadRead(calls, resp, () -> {
      audit.check(caller, "Audit", "", () -> authorizer.audit(caller));
      List<smpc.proto.AuditChunk> parts = audit.chunks(req.getFrom());
      download.start(parts.size(), parts::get);
    });
  }

  @Override
  public void align(smpc.proto.AlignRequest req, StreamObserver<smpc.proto.AlignReply> resp) {
    Authorizer.Principal caller = authorizer.caller();
    starts.start(io, calls, resp, checked -> {
      // its ids and its rows: this party's own client only, as for Input
      audit.check(caller, "Align", req.getName(), () -> authorizer.input(caller));
      checked.run();
      reply(resp, alignment.run(req, caller, active));
    }, why -> busy(caller, "Align", req.getName(), why));
  }

  /** A call refused for {@link Starts}' limit, recorded as every refusal is. */
  private void busy(Authorizer.Principal caller, String call, String subject, String why) {
    audit.check(caller, call, subject, () -> {
      throw smpc.core.Errors.exhausted("party %s is %s; try again", peers.me, why);
    });
  }

  @Override
  public void status(StatusRequest req, StreamObserver<StatusReply> resp) {
    reply(resp, StatusReply.newBuilder().setRole("party").setName(peers.me).setVersion(Version.VERSION)
        .setStoredValues(store.size()).setActiveSessions(active.size()).setFracBits(fracBits)
        .setBufferedBytes(mailbox.bufferedBytes()).setPendingMessages(mailbox.slotCount())
        .setRssBytes(smpc.net.ProcessMemory.rssBytes()).setHeapLiveBytes(smpc.net.ProcessMemory.heapLiveBytes()).build()); // no lock, no queue: answered under any load
  }

  @Override
  public void abort(AbortRequest req, StreamObserver<AbortReply> resp) {
    handle(resp, () -> { // a refused Abort is synced to the audit log
      Authorizer.Principal caller = authorizer.caller();
      Session s = active.get(req.getSessionId());
      boolean now = audit.check(caller, "Abort", Session.shortId(req.getSessionId()), () -> authorizer.abort(caller, s != null ? s.requester : null));
      if (s != null) s.fail(Status.ABORTED.withDescription("session aborted: " + req.getReason()).asRuntimeException());
      // its key named here (the agreement message sent), or ended here, and failed elsewhere (a coordinator aborts every
      // party then), perhaps at the dealer, which no longer holds this party's key: the designated party's opening no
      // longer waits for the dealer, so this party may finish or have finished. A new key, as after a failure of its own
      ByteString named = s != null ? s.dealerKey : null;
      if (named != null) keys.refreshAfter(named); // also when it is past its last check and ends as if not aborted
      if (mailbox.isEnded(req.getSessionId())) keys.afterAbort(req.getSessionId());
      else if (s == null && now) mailbox.end(req.getSessionId()); // a session aborted before it started here never starts
      else if (s == null) earlyAborts.remember(req.getSessionId(), caller);
      if (s == null) lateStart(req.getSessionId(), caller, now, req.getReason());
      reply(resp, AbortReply.newBuilder().setWasRunning(s != null).build());
    });
  }

  @Override
  public void execute(ExecuteRequest asked, StreamObserver<ExecuteReply> resp) {
    Chunks.Download<ExecuteReply> download = Chunks.download(resp);
    Authorizer.Principal caller = authorizer.caller();
    starts.start(io, calls, resp, checked -> {
      RevealRoutes routes = Authorizer.revealRoutes(caller, asked);
      AuditAttempt attempt = audit.attempt(caller, asked, fracBits, store::info, routes);
      // every STORE's owner is the caller's organisation from here on, never the request's
      ExecuteRequest req = attempt.refusing(() -> asked.toBuilder().setPlan(authorizer.execute(caller, asked.getPlan(), asked.getPartiesList(), store::info)).build());
      Session s = attempt.refusing(() -> open(req, caller));
      checked.run(); // refusals from here on are of a session that runs: bounded by quotas, not by Starts
      Quotas.Ticket ticket = null;
      GrpcDealerLink dealer = null;
      DealerKeys.Key key = null;
      boolean usesDealer = !Material.declared(asked.getPlan()).isEmpty(), agreed = false;
      List<ValueStore.Ingest> staged = new java.util.ArrayList<>(); // values a streamed plan writes as it runs
      long t0 = System.nanoTime();
      try {
        GrpcTransport net = new GrpcTransport(s, peers, mailbox);
        String principal = authorizer.requesters(caller, req.getRequestersList(), s.parties);
        // this party's dealer key id and input seeds go with its agreement messages: no round of their own. Its seed
        // is derived from its key and the session's context once the agreement gave every key id (SessionSeeds)
        key = usesDealer ? keys.current(s) : null;
        ByteString keyId = key == null ? null : key.id();
        // an abort from now on makes this key suspect: its id leaves with the agreement message, and the designated
        // party names it to the dealer once it has every party's message, perhaps while this party still waits for
        // the others' (aborted then, neither this party's failure nor the abort fetched a new key, and the next
        // session named the lost key again: SessionStartTest, now and then)
        s.dealerKey = keyId;
        InputSeeds inputSeeds = InputSeeds.draw(asked.getPlan(), s.me, s.parties);
        // every local check before the agreement message leaves: it carries this party's input seeds, from which a peer
        // derives its shares of this party's inputs, and a peer that went on without this party (a consent refused here
        // after the message left) handed such a share to its own client (harmless, a PRG output, but never a client's)
        checkInputs(req.getPlan(), s);
        ticket = quotas.admit(Tls.caller(), req.getPlan(), s.parties.size(), name -> {
          ValueInfo v = store.info(name);
          return v == null ? 0 : v.getLength();
        });
        List<PlanRunner.Store> planned = smpc.core.protocol.Outputs.planned(req.getPlan(), peers.me);
        store.checkCommit(planned);
        byte[] computation = smpc.core.protocol.Digests.computation(asked.getPlan(), s.parties, fracBits);
        List<String> consented = consents.admit(caller, req.getPlan(), s.parties, computation);
        // the plan as asked: the owners stamped here are each party's own caller's organisation
        Agreement agreement = new Agreement(s, asked, computation, principal, attempt.head(), Agreement.payload(keyId, inputSeeds), net, mailbox);
        // logged once the agreement's messages are sent (and the end once the reply is): a log line costs tens of
        // microseconds that peers and the caller need not wait for. A session refused before this logs its failure only
        smpc.net.LogFormat.event(LOG, Level.INFO, "session start", "session", Session.shortId(s.id), "caller", caller != null ? caller.name() : smpc.core.protocol.Digests.PLAINTEXT,
            "parties", s.parties.size(), "instructions", req.getPlan().getInstrsCount());
        attempt.started(s, agreement);
        attempt.consents(consented);
        dealer = new GrpcDealerLink(s, peers, req.getPlan(), fracBits, key);
        List<ByteString> guessed = key == null || s.me != 0 ? null : keys.guess(s.parties, s.me, keyId);
        if (guessed != null) dealer.request(guessed, true); // overlaps the agreement
        agreement.await(); // every peer runs this very session: only now may anything secret-dependent leave
        agreed = true;
        attempt.running(); // its intent syncs while the session runs; what the session keeps or hands out waits for it
        List<ByteString> keyIds = agreement.keyIds(keyId, inputSeeds);
        if (usesDealer) keys.learn(s.parties, keyIds);
        dealer.confirm(keyIds); // this party's seed; the designated party's corrections as the agreement names them
        PlanRunner.Outcome out = new PlanRunner(s.me, s.parties, req.getPlan(), net, dealer, store::get, fracBits).inputSeeds(inputSeeds)
            .revealRoutes(routes)
            .onRound(s.me == 0 ? ProgressReports.to(download, req.getPlan()) : r -> {})
            .stream(r -> {
              attempt.awaitIntent(); // no revealed block leaves before the session's intent is on the disk
              chunks(r).forEach(m -> download.send(m, () -> s.failure.isDone() || System.currentTimeMillis() > s.deadline));
            },
                (name, length) -> {
                  ValueStore.Ingest w = store.stage(name, length); // written now, added by the commit below
                  staged.add(w);
                  return w;
                })
            .run();
        if (s.failure.isCompletedExceptionally()) s.failure.join(); // aborted after the last step: keep nothing
        attempt.awaitIntent(); // nothing is kept without the record of what the session read and revealed
        store.commit(s.id, withProvenance(out.stores(), req.getPlan()));
        attempt.done();
        List<ExecuteReply> parts = new java.util.ArrayList<>();
        for (Revealed r : out.revealed()) parts.addAll(chunks(r));
        parts.add(ExecuteReply.newBuilder().setStats(agreement.stamp(out.stats())).build());
        keys.named(s.id, key); // before its end shows: an abort after it knows the key it named
        mailbox.end(s.id, s.deadline); // before the reply: its caller may try the id again at once, and is told it ran
        download.start(parts.size(), parts::get);
        smpc.net.LogFormat.event(LOG, Level.INFO, "session end", "session", Session.shortId(s.id), "principal",
            principal != null ? principal : smpc.core.protocol.Digests.PLAINTEXT, "computation", smpc.core.protocol.Digests.hex(agreement.computation),
            "session_digest", smpc.core.protocol.Digests.hex(agreement.session),
            "parties", s.parties.size(), "rounds", out.stats().getRounds(), "bytes_sent", out.stats().getBytesSent(),
            "duration_ms", (System.nanoTime() - t0) / 1_000_000);
      } catch (RuntimeException | OutOfMemoryError e) {
        s.fail(e);
        attempt.failed(e);
        smpc.net.LogFormat.event(LOG, Level.INFO, "session failed", "session", Session.shortId(s.id), "caller", caller != null ? caller.name() : smpc.core.protocol.Digests.PLAINTEXT,
            "parties", s.parties.size(), "duration_ms", (System.nanoTime() - t0) / 1_000_000, "error", smpc.net.Statuses.describe(e));
        staged.forEach(ValueStore.Ingest::abort); // its segments are not a value: drop them now
        if (dealer != null && s.me == 0 && dealer.used()) io.execute(dealer::release); // the dealer forgets it now, not at its deadline
        // failed after the agreement, where a dealer that restarted and lost this party's key shows: a new key for the
        // next sessions, before the caller hears of it (a refusal before the agreement says nothing of that)
        if (usesDealer && agreed && key != null) keys.refreshAfter(key.id());
        throw e;
      } finally {
        if (ticket != null) ticket.close();
        if (dealer != null) dealer.close();
        mailbox.end(s.id, s.deadline); // refused again until its deadline passed: its seeds are this session's alone
        peers.streams.ended(s);
        active.remove(s.id);
      }
    }, why -> busy(caller, "Execute", Session.shortId(asked.getSessionId()), why));
  }

  /** Each value the session keeps records whose inputs it depends on (the union: a copy never drops an owner). */
  private static List<PlanRunner.Store> withProvenance(List<PlanRunner.Store> stores, smpc.proto.Plan plan) {
    if (stores.isEmpty()) return stores; // a session that keeps nothing (W1) need not trace its outputs' inputs
    Map<String, java.util.SortedSet<String>> owners = new java.util.HashMap<>();
    for (Disclosure.Output o : Disclosure.outputs(plan)) {
      if (!o.name().isEmpty()) owners.computeIfAbsent(o.name(), k -> new java.util.TreeSet<>()).addAll(o.owners());
    }
    return stores.stream().map(st -> {
      ValueInfo info = st.value().info().toBuilder().clearProvenance().addAllProvenance(owners.getOrDefault(st.value().info().getName(),
          new java.util.TreeSet<>())).build();
      return new PlanRunner.Store(st.value().withInfo(info), st.replace());
    }).toList();
  }

  /**
   * The stored values the plan reads here exist as the plan assumes (kind, length, type), checked before
   * any traffic: a coordinator resolves names through a catalog it may have read earlier, so a value
   * deleted or replaced since then fails the session at once with an error naming it.
   */
  private void checkInputs(smpc.proto.Plan plan, Session s) {
    for (smpc.proto.Instr i : plan.getInstrsList()) {
      boolean load = i.getOp() == smpc.proto.Op.LOAD, share = i.getOp() == smpc.proto.Op.SHARE && i.getParty().equals(peers.me);
      if (!load && !share) continue;
      ValueInfo v = store.info(i.getName());
      if (share && (v == null || v.getKind() != Kind.PRIVATE)) throw notFound("private value '%s' not found on %s", i.getName(), peers.me);
      if (load && v == null) throw notFound("value '%s' not found on %s", i.getName(), peers.me);
      if (load && v.getKind() != Kind.SHARED) {
        throw precondition("value '%s' on %s is private, not shared: share it first", i.getName(), peers.me);
      }
      if (!Disclosure.recorded(v).equals(Disclosure.owners(i))) {
        throw precondition("value '%s' on %s depends on the inputs of %s, not of %s as the session declares (its metadata changed since"
            + " the coordinator read it, or the plan hides an owner)", i.getName(), peers.me, String.join(", ", Disclosure.recorded(v)),
            Disclosure.owners(i).isEmpty() ? "nobody" : String.join(", ", Disclosure.owners(i)));
      }
      boolean lengthDiffers = i.getLength() != 0 && i.getLength() != v.getLength();
      boolean typeDiffers = i.getDtype() != DType.DTYPE_UNSPECIFIED && i.getDtype() != v.getDtype();
      if (lengthDiffers || typeDiffers) {
        throw precondition("value '%s' on %s has %d elements of type %s, not %d of type %s as the session expects (it changed"
            + " since the coordinator read its metadata)", i.getName(), peers.me, v.getLength(), v.getDtype(), i.getLength(), i.getDtype());
      }
    }
  }

  private Session open(ExecuteRequest req, Authorizer.Principal caller) {
    ByteString id = req.getSessionId();
    if (id.size() != Session.ID_BYTES) throw invalid("session id must have %d bytes, got %d", Session.ID_BYTES, id.size());
    List<String> parties = req.getPartiesList();
    if (parties.size() < 2 || new HashSet<>(parties).size() != parties.size()) {
      throw invalid("a session needs at least 2 distinct parties, got %s", parties);
    }
    int me = parties.indexOf(peers.me);
    if (me < 0) throw precondition("this party is %s, which is not among the session's parties %s", peers.me, parties);
    for (String p : parties) if (!p.equals(peers.me)) peers.address(p);
    long now = System.currentTimeMillis();
    if (req.getDeadlineUnixMs() <= now) throw Status.DEADLINE_EXCEEDED.withDescription("session deadline already passed").asRuntimeException();
    quotas.checkDeadline(req.getDeadlineUnixMs());
    if (req.getFracBits() != 0 && req.getFracBits() != fracBits) {
      throw precondition("session uses %d fractional bits but %s is configured with %d", req.getFracBits(), peers.me, fracBits);
    }
    if (earlyAborts.take(id, caller)) mailbox.end(id);
    if (mailbox.isEnded(id)) throw Status.ABORTED.withDescription("session was aborted or already ran").asRuntimeException();
    Session s = new Session(id, parties, me, req.getDeadlineUnixMs());
    s.requester = caller;
    if (active.putIfAbsent(id, s) != null) throw exists("session is already running");
    if (earlyAborts.take(id, caller)) mailbox.end(id);
    if (mailbox.isEnded(id)) { // an Abort raced with this start (see lateStart)
      active.remove(id);
      throw Status.ABORTED.withDescription("session was aborted").asRuntimeException();
    }
    // the coordinator gave up on the call (cancelled, or its deadline passed): fail at once, not at our deadline.
    // gRPC cancels every call's context when the call closes, also after a session that ran: that one is no longer
    // active, and making the exception (its stack trace) for it took 2.7 % of a party's CPU outside the JIT in W1
    Context.current().addListener(ctx -> {
      if (active.get(id) == s) s.fail(Status.CANCELLED.withDescription("the coordinator cancelled the session").asRuntimeException());
    }, Runnable::run);
    return s;
  }

  /**
   * A start that raced with an Abort which found no session: open() writes {@code active}, then reads the mailbox's
   * end and the early aborts again; the Abort read {@code active}, then wrote those. Each looking again after its own
   * write, one of the two sees the other: a session that started meanwhile fails here as if it had been running.
   */
  private void lateStart(ByteString id, Authorizer.Principal caller, boolean now, String reason) {
    Session late = active.get(id);
    if (late == null) return;
    if (now || caller != null && caller.equals(late.requester)) { // as an early abort counts in open()
      earlyAborts.take(id, caller);
      late.fail(Status.ABORTED.withDescription("session aborted: " + reason).asRuntimeException());
    }
  }

  /**
   * A revealed output, or a block of one (its offset and length set), split into messages under gRPC's size
   * limit (slices share the bytes).
   */
  private static List<ExecuteReply> chunks(Revealed r) {
    List<ExecuteReply> out = new java.util.ArrayList<>();
    ByteString data = r.getData();
    long length = r.getLength() > 0 ? r.getLength() : data.size() / 8;
    for (int off = 0; off == 0 || off < data.size(); off += Limits.CHUNK_BYTES) {
      ByteString part = data.substring(off, Math.min(data.size(), off + Limits.CHUNK_BYTES));
      out.add(ExecuteReply.newBuilder().setRevealed(r.toBuilder().setData(part).setLength(length).setOffset(r.getOffset() + off / 8)).build());
    }
    return out;
  }

  private static <T> void reply(StreamObserver<T> resp, T value) {
    resp.onNext(value);
    resp.onCompleted();
  }

  /** Runs a call's handler on the calls pool ({@link CallsPool}): its work may wait a little, never for a peer. */
  private void handle(StreamObserver<?> resp, Runnable handler) {
    Handlers.offload(calls, resp, handler);
  }
}
