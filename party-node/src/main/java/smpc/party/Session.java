package smpc.party;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import smpc.core.Errors;

/** A running session on this party: who takes part, until when, and whether it already failed. */
final class Session {
  /** A session id's size: Execute and peer messages refuse every other (Mailbox keeps ended ones at this size). */
  static final int ID_BYTES = 16;

  final ByteString id;
  final List<String> parties;
  final int me;
  final long deadline;
  /** Completes exceptionally with the reason when the session fails (abort, unreachable peer). */
  final CompletableFuture<Void> failure = new CompletableFuture<>();
  /** The caller whose Execute runs it here (null on a plaintext server): it may abort it. */
  volatile Authorizer.Principal requester;
  /** The dealer key this session named in its agreement message (null before it chose one, or when its plan uses no dealer). */
  volatile com.google.protobuf.ByteString dealerKey;

  Session(ByteString id, List<String> parties, int me, long deadline) {
    this.id = id;
    this.parties = List.copyOf(parties);
    this.me = me;
    this.deadline = deadline;
  }

  /** Waits for {@code f} until the deadline or the session's failure, whichever comes first. */
  <T> T await(CompletableFuture<T> f, String waitingFor) {
    try {
      long wait = deadline - System.currentTimeMillis();
      if (wait <= 0) throw new TimeoutException();
      CompletableFuture.anyOf(f, failure).get(wait, TimeUnit.MILLISECONDS);
      if (failure.isCompletedExceptionally()) failure.join();
      return f.join();
    } catch (TimeoutException e) {
      throw Errors.deadline("session deadline passed while waiting for %s", waitingFor);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.aborted("interrupted");
    } catch (ExecutionException | CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  void fail(Throwable reason) {
    failure.completeExceptionally(reason);
  }

  static String shortId(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray(), 0, Math.min(4, id.size()));
  }

  @Override
  public String toString() {
    return "session " + shortId(id);
  }
}
