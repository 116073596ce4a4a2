package smpc.core;

/**
 * A refusal or failure with one clear line naming the problem. Core knows no transport: each process maps
 * the {@link Code} to its wire status at its service boundary (smpc.net.Statuses for gRPC), and the SDK to
 * its own exception types.
 */
public final class Failure extends RuntimeException {
  /** What kind of problem, in the vocabulary of gRPC's status codes (which these map onto one to one). */
  public enum Code { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, PERMISSION_DENIED,
    UNAVAILABLE, ABORTED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL }

  private final Code code;

  public Failure(Code code, String message) {
    super(message, null, false, false); // a refusal, not a bug: no stack trace to fill or log
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
