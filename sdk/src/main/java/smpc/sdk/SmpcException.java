package smpc.sdk;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import smpc.net.Statuses;

/**
 * Any failure of an SDK call, with one clear message. The subclasses say what kind: {@link Usage} for a
 * mistake of the caller (bad expression, unknown name or party: {@link #isUsageError()}), {@link Denied}
 * for a refusal by a party, {@link Unavailable} for a process that cannot be reached; a plain SmpcException
 * is a failure of the computation or of a party.
 */
public class SmpcException extends RuntimeException {
  private final boolean usage;
  private String session; // the failed session's id as the parties' logs name it, when a session failed

  public SmpcException(String message, boolean usage) {
    super(message);
    this.usage = usage;
  }

  /** The caller's mistake: fix the request and try again. */
  public static final class Usage extends SmpcException {
    public Usage(String message) {
      super(message, true);
    }
  }

  /** A party (or the dealer) refused the caller: its certificate may not do this. */
  public static final class Denied extends SmpcException {
    public Denied(String message) {
      super(message, false);
    }
  }

  /** A party or the dealer could not be reached (down, wrong address, or its certificate did not check out). */
  public static final class Unavailable extends SmpcException {
    public Unavailable(String message) {
      super(message, false);
    }
  }

  public static SmpcException usage(String fmt, Object... args) {
    return new Usage(String.format(fmt, args));
  }

  public static SmpcException failure(String fmt, Object... args) {
    return new SmpcException(String.format(fmt, args), false);
  }

  /**
   * Wraps a failure from a party, the dealer or the local compiler (core's failures carry the same codes);
   * {@code where} names the process or step it came from when the status does not.
   */
  public static SmpcException from(Throwable t, String where) {
    if (t instanceof SmpcException s) return s;
    Status.Code code = Statuses.code(t);
    String msg = Statuses.describe(t);
    if (code == Status.Code.UNAVAILABLE && where != null && !msg.contains("unreachable")) {
      msg = where + " is unreachable: " + msg;
    } else if (t instanceof StatusRuntimeException && where != null && !msg.contains(where)
        && (code == Status.Code.DEADLINE_EXCEEDED || msg.endsWith("check with `smpc status`"))) { // a transport failure: name the process
      msg = where + ": " + msg;
    }
    if (isUsage(code)) return new Usage(msg);
    if (code == Status.Code.PERMISSION_DENIED) return new Denied(msg);
    if (code == Status.Code.UNAVAILABLE) return new Unavailable(msg);
    return new SmpcException(msg, false);
  }

  static boolean isUsage(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE -> true;
      default -> false;
    };
  }

  public boolean isUsageError() {
    return usage;
  }

  /** Marks this failure as that of the session the parties' logs call {@code id}; returns this. */
  public SmpcException inSession(String id) {
    this.session = id;
    return this;
  }

  /** The failed session's id in the parties' logs, or null. */
  public String session() {
    return session;
  }
}
