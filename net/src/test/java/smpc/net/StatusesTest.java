package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusesTest {
  /** What gRPC and Netty said after a container restart and on other lost connections, as the reviewer saw them. */
  @ParameterizedTest
  @ValueSource(strings = {
      "io exception\nChannel Pipeline: [SslHandler#0, ProtocolNegotiators$ClientTlsHandler#0, WriteBufferingAndExceptionHandler#0,"
          + " DefaultChannelPipeline$TailContext#0]",
      "Network closed for unknown reason",
      "Connection closed after GOAWAY. HTTP/2 error code: NO_ERROR, debug data: max_age",
      "Keepalive failed. The connection is likely gone"})
  void transportInternalsBecomeOneSentence(String netty) {
    String d = Statuses.describe(Status.UNAVAILABLE.withDescription(netty).asRuntimeException());
    assertThat(d).isEqualTo(Statuses.CONNECTION_FAILED).doesNotContain("Channel", "Netty", "Handler", "GOAWAY", "\n");
    assertThat(Statuses.describe(Status.UNKNOWN.withDescription(netty).asRuntimeException())).isEqualTo(Statuses.CONNECTION_FAILED);
  }

  @Test
  void refusedConnectionsAndHandshakesSaySo() {
    var refused = Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new java.net.ConnectException("Connection refused: localhost/127.0.0.1:50051")).asRuntimeException();
    assertThat(Statuses.describe(refused)).isEqualTo("connection refused (the process is not running at that address); check with `smpc status`");
    var handshake = Status.UNAVAILABLE.withDescription("ssl exception")
        .withCause(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")).asRuntimeException();
    assertThat(Statuses.describe(handshake)).startsWith("the TLS handshake failed");
  }

  @Test
  void ourOwnDescriptionsPassUnchanged() {
    String ours = "value 'ssl_io exception' not found on alice";
    assertThat(Statuses.describe(Status.NOT_FOUND.withDescription(ours).asRuntimeException())).isEqualTo(ours);
    assertThat(Statuses.describe(Status.UNAVAILABLE.asRuntimeException())).isEqualTo(Statuses.CONNECTION_FAILED);
  }
}
