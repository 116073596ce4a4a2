package smpc.sdk;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import smpc.core.Errors;

/**
 * Any failure of an SDK call, with one clear message. {@link #isUsageError()} tells a mistake of the
 * caller (bad expression, unknown name or party) from a failure of the computation or of a party.
 */
public class SmpcException extends RuntimeException {
  private final boolean usage;

  public SmpcException(String message, boolean usage) {
    super(message);
    this.usage = usage;
  }

  public static SmpcException usage(String fmt, Object... args) {
    return new SmpcException(String.format(fmt, args), true);
  }

  public static SmpcException failure(String fmt, Object... args) {
    return new SmpcException(String.format(fmt, args), false);
  }

  /** Wraps a gRPC failure; {@code where} names the process or step it came from when the status does not. */
  public static SmpcException from(Throwable t, String where) {
    if (t instanceof SmpcException s) return s;
    Status.Code code = Status.fromThrowable(t).getCode();
    String msg = Errors.describe(t);
    if (code == Status.Code.UNAVAILABLE && where != null && !msg.contains("unreachable")) {
      msg = where + " is unreachable: " + msg;
    } else if (t instanceof StatusRuntimeException && code == Status.Code.DEADLINE_EXCEEDED && where != null) {
      msg = where + ": " + msg;
    }
    return new SmpcException(msg, isUsage(code));
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
}
