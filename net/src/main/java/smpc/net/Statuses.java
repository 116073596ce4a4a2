package smpc.net;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import smpc.core.Failure;

/**
 * The service boundary between core's {@link Failure}s and gRPC statuses. Core is transport-free; every
 * process maps its failures here, so a refusal reaches the caller as the same status code with the same
 * one-line description, and anything unexpected as INTERNAL without a stack trace on the wire.
 */
public final class Statuses {
  private Statuses() {}

  /** The status a throwable goes on the wire as. */
  public static StatusRuntimeException status(Throwable t) {
    String refused = refusal(t);
    if (refused != null) return Status.UNAVAILABLE.withDescription(refused).asRuntimeException();
    Throwable c = unwrap(t);
    if (c instanceof StatusRuntimeException s) return s;
    if (c instanceof StatusException s) return s.getStatus().asRuntimeException(s.getTrailers());
    if (c instanceof Failure f) return Status.fromCodeValue(code(f.code()).value()).withDescription(f.getMessage()).asRuntimeException();
    if (c instanceof OutOfMemoryError) return Status.RESOURCE_EXHAUSTED.withDescription("out of memory for this request").asRuntimeException();
    if (c instanceof IllegalArgumentException) return Status.INVALID_ARGUMENT.withDescription(c.getMessage()).asRuntimeException();
    return Status.INTERNAL.withDescription("internal error: " + c).asRuntimeException();
  }

  /** The gRPC code of a throwable, as {@link #status} would send it. */
  public static Status.Code code(Throwable t) {
    return status(t).getStatus().getCode();
  }

  /**
   * The one-line description of a status, a failure, or the message of any other throwable. What gRPC's
   * transport says of a lost or refused connection (Netty's pipeline, "io exception", "Network closed for
   * unknown reason", TLS engine errors) means nothing to a user: it becomes one sentence of what happened.
   */
  public static String describe(Throwable t) {
    String refused = refusal(t);
    if (refused != null) return refused;
    Throwable c = unwrap(t);
    if (c instanceof StatusRuntimeException s) {
      String d = s.getStatus().getDescription();
      if (d == null) return s.getStatus().getCode() == Status.Code.UNAVAILABLE ? CONNECTION_FAILED : s.getStatus().getCode().toString();
      boolean transport = switch (s.getStatus().getCode()) {
        case UNAVAILABLE, UNKNOWN, INTERNAL, CANCELLED -> transportInternal(d);
        default -> false;
      };
      return transport ? transportSentence(d, s.getCause()) : d;
    }
    return c.getMessage() != null ? c.getMessage() : c.toString();
  }

  /** What a user reads instead of the transport's internals. */
  public static final String CONNECTION_FAILED = "the connection failed or was lost (the process may be restarting, stopped or"
      + " unreachable); check with `smpc status`";

  /** Phrases of gRPC's and Netty's own descriptions, never of ours (ours name a party, a value or a limit). */
  private static final java.util.List<String> TRANSPORT = java.util.List.of("channel pipeline:", "io exception",
      "network closed for unknown reason", "connection closed after goaway", "keepalive failed", "ssl exception",
      "sslexception", "sslhandshake", "javax.net.ssl", "not an ssl/tls record", "tls handshake", "openssl", "alpn",
      "http/2 error code", "connection reset", "broken pipe");

  private static boolean transportInternal(String description) {
    String d = description.toLowerCase(java.util.Locale.ROOT);
    return TRANSPORT.stream().anyMatch(d::contains);
  }

  private static String transportSentence(String description, Throwable cause) {
    String d = (description + " " + (cause != null ? cause.getMessage() : "")).toLowerCase(java.util.Locale.ROOT);
    if (d.contains("connection refused")) return "connection refused (the process is not running at that address); check with `smpc status`";
    boolean tls = d.contains("ssl") || d.contains("tls") || d.contains("certificate") || d.contains("pkix");
    if (tls && !d.contains("channel pipeline:") && !d.contains("network closed")) {
      return "the TLS handshake failed (a certificate was not accepted, or one side does not use TLS); check with `smpc status`";
    }
    return CONNECTION_FAILED;
  }

  private static Status.Code code(Failure.Code c) {
    return Status.Code.valueOf(c.name());
  }

  /** Why this process refused a server's certificate (a pinned channel's handshake), without TLS internals; else null. */
  private static String refusal(Throwable t) {
    for (Throwable r = t; r != null; r = r.getCause()) {
      if (r instanceof Trust.Refused refused) return "refused the server's certificate: " + refused.getMessage();
    }
    return null;
  }

  private static Throwable unwrap(Throwable t) {
    while (t.getCause() != null && !(t instanceof StatusRuntimeException) && !(t instanceof StatusException) && !(t instanceof Failure)) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Closes a call whose handler threw (a unary handler runs in onHalfClose) with the mapped status
   * instead of gRPC's bare UNKNOWN.
   */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
          @Override
          public void onMessage(Q message) {
            guard(() -> super.onMessage(message));
          }

          @Override
          public void onHalfClose() {
            guard(super::onHalfClose);
          }

          private void guard(Runnable r) {
            try {
              r.run();
            } catch (Failure | IllegalArgumentException e) {
              StatusRuntimeException s = status(e);
              call.close(s.getStatus(), new Metadata());
            }
          }
        };
      }
    };
  }
}
