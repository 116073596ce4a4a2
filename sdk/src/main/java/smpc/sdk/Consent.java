package smpc.sdk;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import smpc.core.expr.Compiler;
import smpc.core.protocol.Digests;
import smpc.core.protocol.Disclosure;
import smpc.core.protocol.Estimate;
import smpc.core.protocol.Material;
import smpc.net.Tls;
import smpc.proto.Approval;
import smpc.proto.ConsentGrpc;
import smpc.proto.ListRequest;
import smpc.proto.Plan;
import smpc.proto.Policy;
import smpc.proto.RevokeRequest;

/**
 * Owners' consent (docs/security.md "Consent"): each party keeps its own organisation's approvals of exact
 * computations and standing policies on its values, granted and withdrawn by that organisation's client only,
 * and refuses any session whose outputs depend on its values without one. This client acts as its configured
 * principal's organisation only (`--as P`); a single operator's client, which holds every organisation's key,
 * acts for each owner concerned as that owner's own client.
 */
public final class Consent {
  private final Connection conn;
  private final Values values;
  private final Sessions sessions;

  Consent(Connection conn, Values values, Sessions sessions) {
    this.conn = conn;
    this.values = values;
    this.sessions = sessions;
  }

  /** An approval as its party keeps it. */
  public record ApprovalInfo(String party, String digest, int uses, Instant expires, String summary, String grantedBy) {}

  /** A standing policy: parties that may receive what depends on the value. */
  public record PolicyInfo(String party, String value, List<String> recipients, String grantedBy) {}

  /**
   * Approves one evaluation of {@code expression} (revealed to {@code revealTo} and/or stored as {@code storeAs}
   * on {@code parties}) at the party of every owner of its inputs this client acts for; returns the approvals.
   */
  public List<ApprovalInfo> approve(String expression, String revealTo, String storeAs, List<String> parties, int uses, Duration expires) {
    Plan plan = sessions.compile(List.of(Sessions.output(expression, revealTo, storeAs)), parties, values.catalog(parties));
    SortedSet<String> owners = new TreeSet<>();
    for (Disclosure.Input i : Disclosure.inputs(plan)) owners.addAll(i.owners());
    List<String> at = actingFor(owners);
    if (at.isEmpty()) {
      throw SmpcException.usage("%s owns no input of this computation (its inputs belong to %s): only an owner approves", conn.principal(),
          owners.isEmpty() ? "nobody" : String.join(", ", owners));
    }
    String summary = Disclosure.outputs(plan).stream().map(Disclosure.Output::toString).reduce((a, b) -> a + "; " + b).orElse("");
    return approve(sessions.digest(plan, parties), at, uses, expires, expression + ": " + summary);
  }

  /** Approves the computation of digest {@code hex} (64 hex digits, as `--explain` shows it) at the parties this client acts for. */
  public List<ApprovalInfo> approveDigest(String hex, int uses, Duration expires) {
    return approve(digest(hex), actingFor(new TreeSet<>(conn.config.partyNames())), uses, expires, "digest " + hex);
  }

  private List<ApprovalInfo> approve(byte[] digest, List<String> at, int uses, Duration expires, String summary) {
    if (uses < 1) throw SmpcException.usage("--uses must be at least 1, not %d", uses);
    Approval.Builder a = Approval.newBuilder().setComputationDigest(ByteString.copyFrom(digest)).setUses(uses).setSummary(summary);
    if (expires != null) a.setExpiresUnixMs(System.currentTimeMillis() + expires.toMillis());
    List<ApprovalInfo> out = new ArrayList<>();
    for (String p : at) out.add(info(p, call(p, s -> s.approve(a.build()))));
    return out;
  }

  /** Sets (or, with no recipients, removes) the policy on {@code value} at the party of every owner of it this client acts for. */
  public List<PolicyInfo> policy(String value, List<String> recipients) {
    Catalog cat = values.catalog();
    var v = cat.info(value);
    if (v == null) throw SmpcException.usage("unknown value name '%s'%s", value, cat.unseenNote());
    List<String> at = actingFor(Disclosure.recorded(v));
    if (at.isEmpty()) throw SmpcException.usage("'%s' depends on %s's inputs: only their clients set its policy", value, String.join(", ", Disclosure.recorded(v)));
    List<PolicyInfo> out = new ArrayList<>();
    Policy req = Policy.newBuilder().setValue(value).addAllRecipients(recipients).build();
    for (String p : at) {
      Policy kept = call(p, s -> s.setPolicy(req));
      out.add(new PolicyInfo(p, value, kept.getRecipientsList(), kept.getGrantedBy()));
    }
    return out;
  }

  /** Withdraws the approvals of a digest and/or the policy on a value, at the parties this client acts for; returns how many went. */
  public int revoke(String digestHex, String value) {
    RevokeRequest.Builder r = RevokeRequest.newBuilder();
    if (digestHex != null) r.setComputationDigest(ByteString.copyFrom(digest(digestHex)));
    if (value != null) r.setValue(value);
    int n = 0;
    for (String p : actingFor(new TreeSet<>(conn.config.partyNames()))) n += call(p, s -> s.revoke(r.build())).getRevoked();
    return n;
  }

  /** The approvals a party keeps (its own client or administrator only). */
  public List<ApprovalInfo> approvals(String party) {
    return call(party, s -> s.listConsents(ListRequest.getDefaultInstance())).getApprovalsList().stream().map(a -> info(party, a)).toList();
  }

  /** The policies a party keeps (its own client or administrator only). */
  public List<PolicyInfo> policies(String party) {
    return call(party, s -> s.listConsents(ListRequest.getDefaultInstance())).getPoliciesList().stream()
        .map(p -> new PolicyInfo(party, p.getValue(), p.getRecipientsList(), p.getGrantedBy())).toList();
  }

  /** What an evaluation would disclose and cost, and which consents it needs; runs nothing. */
  public Explanation explain(String expression, String revealTo, String storeAs, List<String> parties) {
    return explain(List.of(List.of(Sessions.output(expression, revealTo, storeAs))), parties);
  }

  /**
   * What a sequence of sessions would disclose and cost (a training: setup, epochs, final), each compiled
   * against the catalog plus what the sessions before it store; runs nothing. Outputs and consents that
   * repeat from session to session are listed once; the costs add up (peak memory: the largest); the digest
   * is each session's, separated by commas.
   */
  public Explanation explain(List<List<Compiler.Output>> sessionOutputs, List<String> parties) {
    Catalog cat = values.catalog(parties);
    Map<String, smpc.proto.ValueInfo> planned = new java.util.HashMap<>();
    java.util.function.Function<String, smpc.proto.ValueInfo> resolve = n -> planned.containsKey(n) ? planned.get(n) : cat.info(n);
    List<String> digests = new ArrayList<>();
    Map<String, Explanation.Output> outputs = new LinkedHashMap<>();
    Map<String, Explanation.Need> needs = new LinkedHashMap<>();
    Map<String, smpc.proto.Consents> seen = new LinkedHashMap<>();
    Map<String, Long> sent = new LinkedHashMap<>(), dealer = new LinkedHashMap<>(), material = new LinkedHashMap<>();
    int rounds = 0;
    long peak = 0;
    for (List<Compiler.Output> session : sessionOutputs) {
      Compiler.Compiled compiled = sessions.compiled(session, parties, resolve, cat);
      Plan plan = compiled.plan();
      byte[] digest = sessions.digest(plan, parties);
      digests.add(Digests.hex(digest));
      Map<String, String> who = sessions.requesters(plan, parties);
      for (Disclosure.Output o : Disclosure.outputs(plan)) {
        List<String> inputs = o.inputs().stream().map(Disclosure.Input::toString).toList();
        outputs.putIfAbsent(o + " " + inputs, new Explanation.Output(o.toString(), o.party(), o.name(), inputs, List.copyOf(o.owners())));
        for (String owner : o.owners()) {
          Explanation.Need n = need(o, owner, parties, who, digest, seen);
          needs.merge(owner + " " + o + " " + n.present(), n, (old, x) -> old);
        }
        String receiver = who.get(o.party());
        if (o.revealed() && conn.config.tls() != null && receiver != null && !receiver.equals(Tls.CLIENT_PREFIX + o.party())) {
          // the recipient's party streams a result only to its own client (docs/security.md, Authorisation)
          needs.putIfAbsent("reveal " + o, new Explanation.Need(o.party(), o.toString(), false, "refused: results revealed to " + o.party()
              + " go to " + Tls.CLIENT_PREFIX + o.party() + " only, and this client asks as " + receiver));
        }
      }
      // the parties route reveals by the callers the session will have (on a plaintext cluster, none: every share to the recipient)
      smpc.core.protocol.RevealRoutes routes = sessions.routes(parties, who);
      Estimate.Cost c = Estimate.of(Sessions.withoutOwners(plan), parties, conn.config.fracBitsOrDefault(), name -> {
        var v = resolve.apply(name);
        return v == null ? 0 : v.getLength();
      }, routes);
      rounds += c.rounds();
      peak = Math.max(peak, c.peakMemoryBytes());
      for (int i = 0; i < parties.size(); i++) {
        sent.merge(parties.get(i), c.bytesSent()[i], Long::sum);
        dealer.merge(parties.get(i), c.dealerBytes()[i], Long::sum);
      }
      for (Material m : Material.values()) if (c.material().getOrDefault(m, 0L) > 0) material.merge(m.key(), c.material().get(m), Long::sum);
      plannedStores(plan, compiled, session, parties, planned);
    }
    return new Explanation(String.join(",", digests), List.copyOf(outputs.values()), List.copyOf(needs.values()),
        new Explanation.Cost(rounds, sent, dealer, material, peak));
  }

  /** What a session stores, as the parties will record it, so that later sessions of the same preview compile. */
  private static void plannedStores(Plan plan, Compiler.Compiled compiled, List<Compiler.Output> session, List<String> parties,
      Map<String, smpc.proto.ValueInfo> planned) {
    Map<String, SortedSet<String>> owners = new java.util.HashMap<>();
    for (Disclosure.Output o : Disclosure.outputs(plan)) if (!o.revealed()) owners.put(o.name(), o.owners());
    for (int k = 0; k < session.size(); k++) { // the compiler gives every output a length and scale, lets included
      Compiler.Output o = session.get(k);
      if (o.storeAs() != null) {
        int scale = compiled.outputScales().get(k);
        planned.put(o.storeAs(), smpc.proto.ValueInfo.newBuilder().setName(o.storeAs()).setKind(smpc.proto.Kind.SHARED)
            .setDtype(scale > 0 ? smpc.proto.DType.REAL : smpc.proto.DType.INT).setFracBits(scale).addAllParties(parties)
            .setLength(compiled.outputLengths().get(k)).addAllProvenance(owners.getOrDefault(o.storeAs(), new TreeSet<>())).build());
      }
    }
  }

  /** As the owner's party will decide it (smpc.party.Consents#admit), as far as this client can see. */
  private Explanation.Need need(Disclosure.Output o, String owner, List<String> parties, Map<String, String> who, byte[] digest,
      Map<String, smpc.proto.Consents> seen) {
    String out = o.toString();
    if (!parties.contains(owner)) return new Explanation.Need(owner, out, false, owner + " takes no part in the session to consent");
    String asker = conn.config.tls() == null ? null : who.get(owner);
    if (asker == null) return new Explanation.Need(owner, out, true, "plaintext cluster: no principals, nothing is checked");
    String keeper = asker.startsWith(Tls.CLIENT_PREFIX) ? asker.substring(Tls.CLIENT_PREFIX.length()) : asker;
    String recipient = o.revealed() ? o.party() : keeper;
    if (owner.equals(recipient)) return new Explanation.Need(owner, out, true, "its own use");
    if (asker.equals(Tls.CLIENT_PREFIX + owner)) return new Explanation.Need(owner, out, true, "asked for by " + asker + " itself");
    if (actingFor(new TreeSet<>(List.of(owner))).isEmpty()) {
      return new Explanation.Need(owner, out, null, "only " + owner + "'s client sees its consents: it may approve with `smpc --as " + owner
          + " approve --digest " + Digests.hex(digest) + "`");
    }
    smpc.proto.Consents held = seen.computeIfAbsent(owner, p -> call(p, s -> s.listConsents(ListRequest.getDefaultInstance())));
    ByteString d = ByteString.copyFrom(digest);
    long now = System.currentTimeMillis();
    for (Approval a : held.getApprovalsList()) {
      if (a.getComputationDigest().equals(d) && a.getUses() > 0 && (a.getExpiresUnixMs() == 0 || a.getExpiresUnixMs() > now)) {
        return new Explanation.Need(owner, out, true, "approved by " + a.getGrantedBy() + " (" + a.getUses() + " use" + (a.getUses() == 1 ? "" : "s") + " left)");
      }
    }
    List<String> admitting = new ArrayList<>();
    for (Disclosure.Input i : o.inputs()) {
      if (!i.owners().contains(owner)) continue;
      boolean ok = (i.party().isEmpty() || i.party().equals(owner)) && held.getPoliciesList().stream()
          .anyMatch(p -> p.getValue().equals(i.name()) && p.getRecipientsList().contains(recipient));
      if (!ok) {
        return new Explanation.Need(owner, out, false, "missing: " + owner + " may approve with `smpc --as " + owner + " approve --digest "
            + Digests.hex(digest) + "`");
      }
      admitting.add("'" + i.name() + "'");
    }
    return new Explanation.Need(owner, out, true, "policy on " + String.join(", ", admitting) + " admits " + recipient);
  }

  /** The organisations among {@code owners} this client acts for: its principal's, or each (a single operator's client). */
  private List<String> actingFor(SortedSet<String> owners) {
    if (conn.principal() == null) return owners.stream().filter(conn.config.partyNames()::contains).toList();
    String org = conn.organisation();
    return org != null && owners.contains(org) ? List.of(org) : List.of();
  }

  private interface Call<T> {
    T on(ConsentGrpc.ConsentBlockingStub stub);
  }

  private <T> T call(String party, Call<T> c) {
    try {
      return c.on(ConsentGrpc.newBlockingStub(conn.channel(party, conn.principalFor(party))).withDeadlineAfter(conn.timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (StatusRuntimeException e) {
      throw SmpcException.from(e, conn.where(party));
    }
  }

  private static ApprovalInfo info(String party, Approval a) {
    return new ApprovalInfo(party, Digests.hex(a.getComputationDigest().toByteArray()), a.getUses(),
        a.getExpiresUnixMs() == 0 ? null : Instant.ofEpochMilli(a.getExpiresUnixMs()), a.getSummary(), a.getGrantedBy());
  }

  private static byte[] digest(String hex) {
    try {
      byte[] d = HexFormat.of().parseHex(hex.trim());
      if (d.length == Digests.BYTES) return d;
    } catch (IllegalArgumentException e) {
      // said below
    }
    throw SmpcException.usage("a computation digest is %d hex digits (as `smpc eval --explain` shows it), not '%s'", 2 * Digests.BYTES, hex);
  }
}
