package smpc.dealer;

import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import smpc.net.Version;
import smpc.net.HealthCommand;
import smpc.net.TlsOptions;

/** The dealer-service process. */
@Command(name = "dealer-service", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    description = "Hands out PRG seeds and triple corrections to smpc parties.",
    subcommands = HealthCommand.class)
public final class DealerMain implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(DealerMain.class.getName());

  @CommandLine.Mixin TlsOptions tls = new TlsOptions();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--log-format", defaultValue = "${env:LOG_FORMAT:-text}", paramLabel = "text|json",
      description = "One line per event: text, or json for log collectors (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Option(names = "--port", defaultValue = "${env:DEALER_PORT:-50050}", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--bind", defaultValue = "${env:BIND_ADDRESS:-127.0.0.1}", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Override
  public Integer call() throws Exception {
    smpc.net.Grpc.forgetFailedLookups();
    if (!smpc.net.LogFormat.install(logFormat)) throw new CommandLine.ParameterException(spec.commandLine(), "--log-format must be text or json, got '" + logFormat + "'");
    smpc.net.Tls identity = tls.resolve(smpc.net.Tls.DEALER_NAME, "dealer");
    DealerNode node = DealerNode.start(bind, port, identity);
    smpc.net.ProcessMemory.watch();
    LOG.info("dealer " + Version.VERSION + " listening on " + bind + ":" + port + (identity != null ? " (mutual TLS)" : " (plaintext)"));
    Runtime.getRuntime().addShutdownHook(new Thread(node::close));
    node.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(smpc.net.Startup.commandLine(new DealerMain()).execute(args));
  }
}
