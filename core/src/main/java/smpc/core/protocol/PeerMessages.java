package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One party's messages to and from its peers in a session, over its {@link Transport}: the bytes counted both
 * ways for the session's statistics, and every send kept, so that the session ends only once each has left.
 */
final class PeerMessages {
  private final Transport net;
  private final List<String> parties;
  private final List<CompletableFuture<Void>> sends = new ArrayList<>();
  private long bytesSent;
  private long bytesReceived;

  PeerMessages(Transport net, List<String> parties) {
    this.net = net;
    this.parties = parties;
  }

  void send(int j, String tag, byte[] payload) {
    bytesSent += payload.length;
    sends.add(net.send(j, tag, payload));
  }

  byte[] receive(int j, String tag) {
    byte[] b = net.receive(j, tag);
    bytesReceived += b.length;
    return b;
  }

  /** acc += (or ^=) the vector {@code tag} from party j, which must have acc's length. */
  void receiveInto(int j, String tag, long[] acc, boolean xor, String what) {
    long len = net.receiveInto(j, tag, acc, xor);
    if (len != acc.length) throw invalid("%s %s from %s has %d elements, expected %d", what, tag, parties.get(j), len, acc.length);
    bytesReceived += 8L * len;
  }

  /** Waits until every message sent has left; a failed send fails the session. */
  void awaitSends() {
    for (CompletableFuture<Void> s : sends) {
      try {
        s.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
  }

  long bytesSent() {
    return bytesSent;
  }

  long bytesReceived() {
    return bytesReceived;
  }
}
