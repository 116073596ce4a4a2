package smpc.core;

import smpc.core.Failure.Code;

/** Failures with one clear line naming the problem; used on both sides of every call. */
public final class Errors {
  private Errors() {}

  public static Failure invalid(String fmt, Object... args) {
    return new Failure(Code.INVALID_ARGUMENT, String.format(fmt, args));
  }

  public static Failure notFound(String fmt, Object... args) {
    return new Failure(Code.NOT_FOUND, String.format(fmt, args));
  }

  public static Failure exists(String fmt, Object... args) {
    return new Failure(Code.ALREADY_EXISTS, String.format(fmt, args));
  }

  public static Failure precondition(String fmt, Object... args) {
    return new Failure(Code.FAILED_PRECONDITION, String.format(fmt, args));
  }

  public static Failure denied(String fmt, Object... args) {
    return new Failure(Code.PERMISSION_DENIED, String.format(fmt, args));
  }

  public static Failure unavailable(String fmt, Object... args) {
    return new Failure(Code.UNAVAILABLE, String.format(fmt, args));
  }

  public static Failure aborted(String fmt, Object... args) {
    return new Failure(Code.ABORTED, String.format(fmt, args));
  }

  public static Failure deadline(String fmt, Object... args) {
    return new Failure(Code.DEADLINE_EXCEEDED, String.format(fmt, args));
  }

  public static Failure exhausted(String fmt, Object... args) {
    return new Failure(Code.RESOURCE_EXHAUSTED, String.format(fmt, args));
  }
}
