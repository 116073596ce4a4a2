package smpc.core.protocol;

/**
 * Where each party's share of a result revealed to a party P goes (docs/security.md "Reveals"). In the seed every
 * share goes to P, which adds them up and hands the sum to its caller: one more hop of messages, the last of every
 * small session. A share may instead go straight to the party's own caller in its Execute reply, which adds up
 * every part it is given (P's part included): the session then ends at each party one hop sooner. Which caller may
 * be given a share is a rule of authorisation (smpc.net.Tls#revealRoutes); every party of a session must
 * apply the same routes, so that P knows which shares to wait for. A REVEAL that keeps its result at P (a named
 * one) always goes through P, which needs the value itself.
 */
@FunctionalInterface
public interface RevealRoutes {
  /** Whether party {@code j} (in session order) sends its share of an unnamed REVEAL to {@code recipient} to its own caller. */
  boolean toCaller(int j, String recipient);

  /** Every share to the recipient, as in the seed. */
  RevealRoutes VIA_RECIPIENT = (j, recipient) -> false;
}
