package smpc.net;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The TLS options every smpc process takes (a picocli mixin). */
public final class TlsOptions {
  @Option(names = "--tls-dir", defaultValue = "${env:TLS_DIR}", paramLabel = "DIR",
      description = "Mutual TLS with the certificates of `smpc certs init`: the trust bundle DIR/trust/ and this process's NAME.pem, NAME.key.")
  Path dir;

  @Option(names = "--insecure", defaultValue = "${env:INSECURE:-false}",
      description = "Plaintext gRPC without authentication: development only (a warning is printed at every start).")
  boolean insecure;

  /** This process's TLS identity, or null (plaintext) after a loud warning. */
  public Tls resolve(String principal, String process) {
    if (dir != null && !insecure) return new Tls(dir, principal);
    System.err.println("WARNING: " + process + " runs WITHOUT TLS (" + (insecure ? "--insecure" : "no --tls-dir")
        + "): shares and seeds travel in clear text and callers are not authenticated. Development only.");
    return null;
  }
}
