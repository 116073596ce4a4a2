package smpc.core.psi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import smpc.core.protocol.Transport;

/** Runs DhPsi for n parties in threads of one JVM over an in-memory network that can record every message. */
final class PsiNet {
  private PsiNet() {}

  record Message(int from, int to, String tag, byte[] payload) {}

  static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin");

  private static final class Stop extends RuntimeException {
    Stop() {
      super("a peer failed", null, false, false);
    }
  }

  static List<DhPsi.Result> run(List<List<String>> ids, List<Key> keys, byte[] agreement, List<Message> log) {
    return run(ids, keys, Collections.nCopies(ids.size(), agreement), log);
  }

  /** Every party's result, or the failure of the first party that failed of itself (not because a peer did). */
  static List<DhPsi.Result> run(List<List<String>> ids, List<Key> keys, List<byte[]> agreements, List<Message> log) {
    return run(ids, keys, agreements, log, m -> m.payload());
  }

  /** One party's run of a protocol over the in-memory transport. */
  interface Protocol {
    DhPsi.Result run(Transport t, int me, List<String> parties, List<String> ids, Key key, byte[] agreement);
  }

  /** As above, each message's payload first passed through {@code tamper} (a deviating sender). */
  static List<DhPsi.Result> run(List<List<String>> ids, List<Key> keys, List<byte[]> agreements, List<Message> log,
      java.util.function.Function<Message, byte[]> tamper) {
    return run(ids, keys, agreements, log, tamper, DhPsi::run);
  }

  /** Runs {@code protocol} at every party: each party's result, or the first party's own failure. */
  static List<DhPsi.Result> run(List<List<String>> ids, List<Key> keys, List<byte[]> agreements, List<Message> log,
      java.util.function.Function<Message, byte[]> tamper, Protocol protocol) {
    int n = ids.size();
    List<String> parties = NAMES.subList(0, n);
    Map<String, CompletableFuture<byte[]>> box = new ConcurrentHashMap<>();
    CompletableFuture<byte[]> stop = new CompletableFuture<>();
    List<CompletableFuture<DhPsi.Result>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int me = i;
      Transport net = new Transport() {
        @Override
        public CompletableFuture<Void> send(int to, String tag, byte[] payload) {
          if (log != null) {
            synchronized (log) {
              log.add(new Message(me, to, tag, payload.clone()));
            }
          }
          byte[] sent = tamper.apply(new Message(me, to, tag, payload));
          box.computeIfAbsent(me + ">" + to + ":" + tag, k -> new CompletableFuture<>()).complete(sent);
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public byte[] receive(int from, String tag) {
          CompletableFuture<byte[]> slot = box.computeIfAbsent(from + ">" + me + ":" + tag, k -> new CompletableFuture<>());
          try {
            CompletableFuture.anyOf(slot, stop).get(60, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new Stop();
          }
          return slot.join();
        }
      };
      out.add(CompletableFuture.supplyAsync(() -> {
        try {
          return protocol.run(net, me, parties, ids.get(me), keys.get(me), agreements.get(me));
        } catch (RuntimeException e) {
          stop.completeExceptionally(e);
          throw e;
        }
      }, r -> new Thread(r, parties.get(me)).start()));
    }
    RuntimeException first = null;
    List<DhPsi.Result> results = new ArrayList<>();
    for (CompletableFuture<DhPsi.Result> f : out) {
      try {
        results.add(f.join());
      } catch (CompletionException e) {
        if (first == null && !(e.getCause() instanceof Stop)) first = (RuntimeException) e.getCause();
      }
    }
    if (first != null) throw first;
    return results;
  }
}
