package smpc.core;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** gRPC statuses with one clear line naming the problem; used on both sides of every call. */
public final class Errors {
  private Errors() {}

  public static StatusRuntimeException invalid(String fmt, Object... args) {
    return Status.INVALID_ARGUMENT.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException notFound(String fmt, Object... args) {
    return Status.NOT_FOUND.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException exists(String fmt, Object... args) {
    return Status.ALREADY_EXISTS.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException precondition(String fmt, Object... args) {
    return Status.FAILED_PRECONDITION.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException denied(String fmt, Object... args) {
    return Status.PERMISSION_DENIED.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException unavailable(String fmt, Object... args) {
    return Status.UNAVAILABLE.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException aborted(String fmt, Object... args) {
    return Status.ABORTED.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  public static StatusRuntimeException deadline(String fmt, Object... args) {
    return Status.DEADLINE_EXCEEDED.withDescription(String.format(fmt, args)).asRuntimeException();
  }

  /** The description of a status exception, or the message of any other throwable. */
  public static String describe(Throwable t) {
    while (t.getCause() != null && !(t instanceof StatusRuntimeException)) t = t.getCause();
    if (t instanceof StatusRuntimeException s) {
      String d = s.getStatus().getDescription();
      return d != null ? d : s.getStatus().getCode().toString();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
