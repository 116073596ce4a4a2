package smpc.core.protocol;

import java.util.concurrent.CompletableFuture;

/** How a party exchanges one session's messages with its peers (gRPC in a party, memory in tests). */
public interface Transport {
  /** Sends a whole message to party {@code to}; a failure also fails the session's waits. */
  CompletableFuture<Void> send(int to, String tag, byte[] payload);

  /** The message {@code tag} from party {@code from}; throws a status at the deadline or on abort. */
  byte[] receive(int from, String tag);
}
