package smpc.party;

import static smpc.core.Errors.denied;

import java.util.List;
import java.util.function.Function;
import smpc.core.protocol.RevealRoutes;
import smpc.net.Tls;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * Who may do what on this party: every call and every plan instruction is decided here from the caller's
 * certificate alone (common name and organisational unit, as {@link Tls} verified them), never from a
 * request field. docs/security.md#authorisation is this class's rule table. On a plaintext (development)
 * server there is no caller, and everything is allowed, as the warning each process prints says.
 */
final class Authorizer {
  /** A certificate's principal: its common name, role (organisational unit) and the organisation it acts for. */
  record Principal(String name, String role, String org) {
    @Override
    public String toString() {
      return role + " '" + name + "'";
    }
  }

  private final String me;

  Authorizer(String me) {
    this.me = me;
  }

  /**
   * The caller of the current call, or null on a plaintext server. A client's organisation is the party it is
   * the client of; an administrator's is the party in its name (admin-P): there is no administrator of every party;
   * parties and the dealer act for themselves.
   */
  Principal caller() {
    String name = Tls.caller(), role = Tls.callerRole();
    if (name == null) return null;
    String org = switch (role) {
      case Tls.CLIENT -> name.startsWith(Tls.CLIENT_PREFIX) ? name.substring(Tls.CLIENT_PREFIX.length()) : null;
      case Tls.ADMIN -> name.startsWith(Tls.ADMIN_PREFIX) ? name.substring(Tls.ADMIN_PREFIX.length()) : null;
      default -> name;
    };
    return new Principal(name, role, org);
  }

  private boolean ownClient(Principal p) {
    return Tls.CLIENT.equals(p.role()) && me.equals(p.org());
  }

  private boolean ownAdmin(Principal p) {
    return Tls.ADMIN.equals(p.role()) && me.equals(p.org());
  }

  private String client() {
    return Tls.CLIENT_PREFIX + me;
  }

  private String admin() {
    return Tls.ADMIN_PREFIX + me;
  }

  /** Input: a new private value of this party, stored by its own client only. */
  void input(Principal p) {
    if (!mayInput(p)) throw denied("%s may not store values on %s (only %s may)", p, me, client());
  }

  /** The rule of {@link #input}, without the refusal (nor its record). */
  boolean mayInput(Principal p) {
    return p == null || ownClient(p);
  }

  /** GetValue: a private value (this party's own, or a result revealed to it) goes to this party's client only. */
  void read(Principal p, String name) {
    if (p != null && !ownClient(p)) throw denied("%s may not read %s's private value '%s' (only %s may)", p, me, name, client());
  }

  /**
   * Delete: this party's client or administrator; a shared value also by the client of any organisation it
   * depends on (so an owner withdraws what was computed from its values at every holder).
   */
  void delete(Principal p, String name, ValueInfo v) {
    boolean owner = v != null && v.getKind() == smpc.proto.Kind.SHARED && Tls.CLIENT.equals(p == null ? null : p.role())
        && (smpc.core.protocol.Disclosure.recorded(v).contains(p.org()) || v.getOwner().equals(p.org()));
    if (p != null && !ownClient(p) && !ownAdmin(p) && !owner) {
      throw denied("%s may not delete values on %s such as '%s' (only %s or %s may)", p, me, name, client(), admin());
    }
  }

  /** Approve, SetPolicy, Revoke: an organisation's consents are given and withdrawn by its own client only. */
  void consent(Principal p, String what) {
    if (p != null && !ownClient(p)) throw denied("%s may not %s for %s (only %s may)", p, what, me, client());
  }

  /** ListConsents: this party's client or administrator. */
  void listConsents(Principal p) {
    if (p != null && !ownClient(p) && !ownAdmin(p)) throw denied("%s may not list the consents of %s (only %s or %s may)", p, me, client(), admin());
  }

  /** List: the names this party stores are told to its client and administrator only. */
  void list(Principal p) {
    if (p != null && !ownClient(p) && !ownAdmin(p)) {
      throw denied("%s may not list the values of %s (only %s or %s may)", p, me, client(), admin());
    }
  }

  /** Audit: the log of what this party did and refused is read by its client and administrator only. */
  void audit(Principal p) {
    if (p != null && !ownClient(p) && !ownAdmin(p)) {
      throw denied("%s may not read the audit log of %s (only %s or %s may)", p, me, client(), admin());
    }
  }

  /**
   * Abort of a session: the principal whose Execute call runs it here, or this party's administrator.
   * {@code requester} is null for a session not running here (then only its administrator ends it at once;
   * PartyService remembers a client's early abort for when its own session starts).
   */
  boolean abort(Principal p, Principal requester) {
    if (p == null || ownAdmin(p)) return true;
    if (requester != null && p.name().equals(requester.name()) && p.role().equals(requester.role())) return true;
    if (requester == null && Tls.CLIENT.equals(p.role())) return false;
    throw denied("%s may not abort %s (only the principal that requested it, or %s may)",
        p, requester == null ? "sessions" : "another principal's session", admin());
  }

  /**
   * Execute: a client's session, checked instruction by instruction before anything runs, as far as this
   * party is concerned: results are revealed to it (REVEAL) only when its own client runs the session here
   * (whether its organisation's values may flow into any output is {@link Consents}' decision); what the session keeps here (STORE, a named REVEAL) is owned by
   * the caller's organisation, which must take part in the session; a stored value is replaced only by its
   * owner's own session. Returns the plan with every STORE's owner set to the caller's organisation.
   */
  Plan execute(Principal p, Plan plan, List<String> parties, Function<String, ValueInfo> stored) {
    if (p == null) return plan;
    if (!Tls.CLIENT.equals(p.role())) {
      throw denied("%s may not run sessions (only clients may%s)", p, Tls.ADMIN.equals(p.role()) ? "; an administrator receives no results" : "");
    }
    Plan.Builder out = plan.toBuilder();
    for (int k = 0; k < plan.getInstrsCount(); k++) {
      Instr i = plan.getInstrs(k);
      boolean mine = i.getParty().equals(me);
      if (i.getOp() == Op.REVEAL && mine && !ownClient(p)) {
        throw denied("%s may not receive results revealed to %s (only %s may)", p, me, client());
      }
      if (i.getOp() == Op.STORE) out.setInstrs(k, i.toBuilder().setOwner(store(p, i, parties, stored)));
    }
    return out.build();
  }

  /**
   * The requesting principal(s) the session digest binds: the caller, or, when the request names the
   * principal asking each party, that list, once its entry for this party is the caller.
   */
  String requesters(Principal p, List<String> declared, List<String> parties) {
    if (p == null) return null;
    if (declared.isEmpty()) return p.name();
    int i = parties.indexOf(me);
    if (declared.size() != parties.size() || i < 0 || !declared.get(i).equals(p.name())) {
      throw denied("%s may not run a session whose request names %s as the principals asking its parties %s", p, declared, parties);
    }
    // the digest binds the list joined by commas: only names without one make that join one list's alone (else a
    // coordinator could send the parties lists that differ but join alike, each with its own caller in its place)
    for (String name : declared) {
      if (name.isEmpty() || name.indexOf(',') >= 0) {
        throw denied("%s may not run a session whose request names '%s' among the principals asking its parties: no principal's name is empty or has a comma",
            p, name);
      }
    }
    return String.join(",", declared);
  }

  /**
   * Where the session's parties send their shares of unnamed reveals ({@link Tls#revealRoutes}), from each party's caller:
   * the request's list (which {@link #requesters} checks against this party's caller before anything is sent), else
   * the one caller; every share to the recipient when the caller does not add up parts, or on a plaintext server.
   */
  static RevealRoutes revealRoutes(Principal p, ExecuteRequest req) {
    if (p == null || !req.getCallerAddsParts()) return RevealRoutes.VIA_RECIPIENT;
    List<String> declared = req.getRequestersList();
    return Tls.revealRoutes(req.getPartiesList(), declared.isEmpty() ? java.util.Collections.nCopies(req.getPartiesCount(), p.name()) : declared);
  }

  /** The owner of what a STORE keeps here: the caller's organisation, after the store's checks. */
  private String store(Principal p, Instr i, List<String> parties, Function<String, ValueInfo> stored) {
    if (!i.getOwner().isEmpty() && !i.getOwner().equals(p.org())) {
      throw denied("%s may not store '%s' as owned by '%s': a value stored by %s's client is owned by %s", p, i.getName(),
          i.getOwner(), p.org(), p.org());
    }
    if (!parties.contains(p.org())) {
      throw denied("%s may not store '%s' on %s in a session %s takes no part in (its parties are %s)", p, i.getName(), me,
          p.org(), parties);
    }
    ValueInfo old = stored.apply(i.getName());
    if (i.getReplace() && old != null && !old.getOwner().equals(p.org())) {
      throw denied("%s may not replace the value '%s' on %s, owned by %s (only its owner's client may)", p, i.getName(), me,
          old.getOwner().isEmpty() ? "nobody" : old.getOwner());
    }
    return p.org();
  }
}
