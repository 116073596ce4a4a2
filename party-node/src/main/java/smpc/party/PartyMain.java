package smpc.party;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpc.net.Version;
import smpc.net.HealthCommand;
import smpc.net.TlsOptions;

/** The party-node process: one VirtualMachine. */
@Command(name = "party-node", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    description = "An smpc party: stores values and shares, runs plans with its peers.",
    subcommands = HealthCommand.class)
public final class PartyMain implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(PartyMain.class.getName());

  @CommandLine.Mixin TlsOptions tls = new TlsOptions();

  @Option(names = "--log-format", defaultValue = "${env:LOG_FORMAT:-text}", paramLabel = "text|json",
      description = "One line per event: text, or json for log collectors (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // required by call(), not by picocli: picocli would demand it of the `health` subcommand too
  @Option(names = "--name", defaultValue = "${env:PARTY_NAME}", description = "This party's name (required to serve).")
  String name;

  @Option(names = "--port", defaultValue = "${env:PARTY_PORT:-50051}", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "${env:BIND_ADDRESS:-127.0.0.1}", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--peers", defaultValue = "${env:PEERS:-}", split = ",",
      description = "The other parties as name=host:port, comma-separated.")
  String[] peers;

  @Option(names = "--dealer", defaultValue = "${env:DEALER:-127.0.0.1:50050}", description = "The dealer's host:port (default: ${DEFAULT-VALUE}).")
  String dealer;

  @Option(names = "--frac-bits", defaultValue = "${env:FRAC_BITS:-16}", description = "Fixed-point fractional bits; all parties must agree (default: ${DEFAULT-VALUE}).")
  int fracBits;

  @Option(names = "--data-dir", defaultValue = "${env:DATA_DIR}",
      description = "Directory where stored values survive restarts (default: memory only).")
  java.nio.file.Path dataDir;

  @Option(names = "--max-buffered-mb", defaultValue = "${env:MAX_BUFFERED_MB:-0}",
      description = "Cap on peer messages buffered in memory (default: 0, a quarter of the maximum heap).")
  long maxBufferedMb;

  @Option(names = "--max-sessions-per-principal", defaultValue = "${env:MAX_SESSIONS_PER_PRINCIPAL:-16}",
      description = "Sessions one principal may have open here at once (default: ${DEFAULT-VALUE}).")
  int maxSessionsPerPrincipal;

  @Option(names = "--max-memory-mb", defaultValue = "${env:MAX_MEMORY_MB:-0}",
      description = "Heap all running sessions may reserve together, by their plans' estimates (default: 0, 80% of the maximum heap).")
  long maxMemoryMb;

  @Option(names = "--max-session-memory-mb", defaultValue = "${env:MAX_SESSION_MEMORY_MB:-0}",
      description = "Heap one session's plan may need (default: 0, the whole --max-memory-mb).")
  long maxSessionMemoryMb;

  @Option(names = "--max-session-seconds", defaultValue = "${env:MAX_SESSION_SECONDS:-3600}",
      description = "How far away a session's deadline may be (default: ${DEFAULT-VALUE}).")
  long maxSessionSeconds;

  @Override
  public Integer call() throws Exception {
    smpc.net.Grpc.forgetFailedLookups();
    if (!smpc.net.LogFormat.install(logFormat)) throw new CommandLine.ParameterException(spec.commandLine(), "--log-format must be text or json, got '" + logFormat + "'");
    if (name == null || name.isBlank()) throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--name=<name>'");
    Map<String, String> addresses = new LinkedHashMap<>();
    for (String p : peers) {
      if (p.isBlank()) continue;
      String[] kv = p.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--peers entry '" + p + "' is not name=host:port");
      }
      addresses.put(kv[0].trim(), kv[1].trim());
    }
    smpc.net.Tls identity = tls.resolve(name, "party " + name);
    Quotas.Limits quotas;
    try {
      quotas = Quotas.Limits.of(maxSessionsPerPrincipal, maxSessionMemoryMb, maxMemoryMb, maxSessionSeconds);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    if (maxBufferedMb < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--max-buffered-mb must not be negative (0: a quarter of the heap)");
    // every peer message waits here until its step reads it (some arrive before their session starts); a
    // session's own are also part of what it reserves (Footprint), and a fixed 4 GiB exceeded a 1 GiB heap
    long maxBuffered = maxBufferedMb > 0 ? maxBufferedMb << 20 : Runtime.getRuntime().maxMemory() / 4;
    PartyNode node = PartyNode.start(name, bind, port, addresses, dealer, fracBits, maxBuffered, dataDir, identity, quotas);
    smpc.net.ProcessMemory.watch();
    LOG.info("party " + name + " " + Version.VERSION + " listening on " + bind + ":" + port + (identity != null ? " (mutual TLS)" : " (plaintext)")
        + ", peers " + addresses.keySet());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close));
    node.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(smpc.net.Startup.commandLine(new PartyMain()).execute(args));
  }
}
