package smpc.core.net;

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

  @Override
  public Integer call() {
    ManagedChannel ch = Grpc.channel(target);
    try {
      boolean ok = Grpc.healthy(ch, timeoutMs);
      System.out.println(ok ? "SERVING" : "NOT SERVING");
      return ok ? 0 : 1;
    } finally {
      Grpc.close(ch);
    }
  }
}
