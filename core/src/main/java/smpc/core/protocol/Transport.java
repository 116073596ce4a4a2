package smpc.core.protocol;

import java.util.concurrent.CompletableFuture;

/** How a party exchanges one session's messages with its peers (gRPC in a party, memory in tests). */
public interface Transport {
  /** Sends a whole message to party {@code to}; a failure also fails the session's waits. */
  CompletableFuture<Void> send(int to, String tag, byte[] payload);

  /** The message {@code tag} from party {@code from}; throws a status at the deadline or on abort. */
  byte[] receive(int from, String tag);

  /** A message that is a packed vector, decoded (a transport holding it in pieces decodes without joining them). */
  default long[] receiveLongs(int from, String tag) {
    return smpc.core.ring.Packing.fromBytes(receive(from, tag));
  }

  /**
   * Adds (or XORs) the packed vector {@code tag} from party {@code from} into {@code acc} without decoding it
   * into an array of its own; returns its element count, and leaves acc as it was when that is not acc's length.
   */
  default long receiveInto(int from, String tag, long[] acc, boolean xor) {
    long[] theirs = receiveLongs(from, tag);
    if (theirs.length != acc.length) return theirs.length;
    if (xor) for (int t = 0; t < acc.length; t++) acc[t] ^= theirs[t];
    else for (int t = 0; t < acc.length; t++) acc[t] += theirs[t];
    return theirs.length;
  }
}
