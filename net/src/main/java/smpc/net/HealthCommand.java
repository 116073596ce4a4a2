package smpc.net;

import io.grpc.ManagedChannel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code health}: exits 0 when the server at --target answers gRPC's health check (container healthchecks). */
@Command(name = "health", description = "Check a server's gRPC health service; exit 0 when SERVING.")
public final class HealthCommand implements Callable<Integer> {
  @Option(names = "--target", defaultValue = "127.0.0.1:50050", description = "host:port (default: ${DEFAULT-VALUE}).")
  String target;

  @Option(names = "--timeout-ms", defaultValue = "2000")
  long timeoutMs;

  @Option(names = "--tls-dir", defaultValue = "${env:TLS_DIR}", description = "Check over mutual TLS with these certificates.")
  java.nio.file.Path tlsDir;

  @Option(names = "--insecure", defaultValue = "${env:INSECURE:-false}", description = "Check over plaintext.")
  boolean insecure;

  @Option(names = "--principal", defaultValue = "${env:PARTY_NAME:-dealer}", description = "Whose certificate to present (default: ${DEFAULT-VALUE}).")
  String principal;

  @Override
  public Integer call() {
    // a process checks itself: the server must present its own principal
    ManagedChannel ch = Grpc.channel(target, tlsDir != null && !insecure ? new Tls(tlsDir, principal).pinned(principal) : null);
    try {
      boolean ok = Grpc.healthy(ch, timeoutMs);
      System.out.println(ok ? "SERVING" : "NOT SERVING");
      return ok ? 0 : 1;
    } finally {
      Grpc.close(ch);
    }
  }
}
