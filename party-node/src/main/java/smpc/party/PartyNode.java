package smpc.party;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import smpc.net.Grpc;
import smpc.net.Tls;
import smpc.core.protocol.StoredValue;

/** A running party: its gRPC server (party, peer, health, reflection services) and its store. */
public final class PartyNode implements AutoCloseable {
  private final Server server;
  private final Peers peers;
  private final ValueStore store;
  private final List<ExecutorService> pools;
  private final ScheduledExecutorService sweeper;
  private final AuditLog audit;
  private final ConnectAhead ahead;

  private PartyNode(Server server, Peers peers, ValueStore store, List<ExecutorService> pools, ScheduledExecutorService sweeper, AuditLog audit,
      ConnectAhead ahead) {
    this.audit = audit;
    this.ahead = ahead;
    this.server = server;
    this.peers = peers;
    this.store = store;
    this.pools = pools;
    this.sweeper = sweeper;
  }

  /**
   * @param peers the other parties' names and host:port
   * @param maxBufferedBytes cap on peer messages held in memory before their session starts
   */
  public static PartyNode start(String name, String bind, int port, Map<String, String> peers, String dealer,
      int fracBits, long maxBufferedBytes) throws IOException {
    return start(name, bind, port, peers, dealer, fracBits, maxBufferedBytes, null);
  }

  /** @param dataDir where values are kept across restarts; null keeps them in memory only */
  public static PartyNode start(String name, String bind, int port, Map<String, String> peers, String dealer,
      int fracBits, long maxBufferedBytes, java.nio.file.Path dataDir) throws IOException {
    return start(name, bind, port, peers, dealer, fracBits, maxBufferedBytes, dataDir, null);
  }

  /** @param tls this party's certificate and the cluster CA (mutual TLS everywhere), or null for plaintext */
  public static PartyNode start(String name, String bind, int port, Map<String, String> peers, String dealer,
      int fracBits, long maxBufferedBytes, java.nio.file.Path dataDir, Tls tls) throws IOException {
    return start(name, bind, port, peers, dealer, fracBits, maxBufferedBytes, dataDir, tls, Quotas.Limits.defaults());
  }

  /** @param quotas what sessions may take of this party (sessions per principal, memory, deadlines) */
  static PartyNode start(String name, String bind, int port, Map<String, String> peers, String dealer,
      int fracBits, long maxBufferedBytes, java.nio.file.Path dataDir, Tls tls, Quotas.Limits quotas) throws IOException {
    // peer messages are filed on the transport thread; PartyService hands its blocking work to `io` itself
    // every channel is pinned to the principal this party's own configuration puts at that address
    Map<String, String> principalAt = new java.util.HashMap<>();
    peers.forEach((peer, address) -> principalAt.put(address, peer));
    principalAt.put(dealer, Tls.DEALER_NAME);
    return start(name, peers, dealer, fracBits, maxBufferedBytes, dataDir, quotas,
        address -> Grpc.channel(address, tls == null ? null : tls.pinned(principalAt.get(address)), true),
        services -> Grpc.serve(bind, port, tls, true, services));
  }

  /**
   * A party on a server and channels of the caller's making (in-process gRPC, say: a whole cluster in one
   * JVM): {@code server} gets the party's services and is started, and {@code connect} opens the channel to
   * an address of {@code peers} or to {@code dealer}. Values are kept in memory. Run both on direct executors,
   * as {@link #start} does: peer messages are then filed on the transport thread.
   */
  public static PartyNode start(String name, ServerBuilder<?> server, Function<String, ManagedChannel> connect,
      Map<String, String> peers, String dealer, int fracBits, long maxBufferedBytes) throws IOException {
    return start(name, server, connect, peers, dealer, fracBits, maxBufferedBytes, Quotas.Limits.defaults());
  }

  static PartyNode start(String name, ServerBuilder<?> server, Function<String, ManagedChannel> connect,
      Map<String, String> peers, String dealer, int fracBits, long maxBufferedBytes, Quotas.Limits quotas) throws IOException {
    return start(name, peers, dealer, fracBits, maxBufferedBytes, null, quotas, connect, services -> {
      for (BindableService s : services) server.addService(s);
      return server.intercept(smpc.net.Statuses.interceptor()).build().start();
    });
  }

  private interface Serve {
    Server start(BindableService... services) throws IOException;
  }

  private static PartyNode start(String name, Map<String, String> peers, String dealer, int fracBits, long maxBufferedBytes,
      java.nio.file.Path dataDir, Quotas.Limits quotas, Function<String, ManagedChannel> connect, Serve serve) throws IOException {
    ValueStore.checkName(name);
    ExecutorService io = Executors.newCachedThreadPool(Grpc.daemonThreads("party-io"));
    CallsPool calls = new CallsPool();
    Peers peerSet = new Peers(name, peers, dealer, connect);
    Mailbox mailbox = new Mailbox(maxBufferedBytes);
    ValueStore store = new ValueStore(name, dataDir);
    Consents consents = new Consents(name, dataDir);
    AuditLog audit = new AuditLog(name, dataDir);
    PartyService party = new PartyService(peerSet, store, mailbox, io, calls, fracBits, new Quotas(name, quotas), consents, audit);
    Server server;
    try {
      server = serve.start(party, new PeerService(mailbox, peerSet, audit), new ConsentService(name, consents, store, peerSet, calls, audit));
    } catch (IOException | RuntimeException e) { // nothing serves (a port in use): let go of the data directory's locks,
      io.shutdownNow();                          // threads and channels, for an embedding JVM that goes on
      calls.threads().shutdownNow();
      peerSet.close();
      store.close();
      audit.close();
      throw e;
    }
    ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(Grpc.daemonThreads("party-sweep"));
    sweeper.scheduleAtFixedRate(() -> mailbox.sweep(party::isActive), 10, 10, TimeUnit.SECONDS);
    ConnectAhead ahead = ConnectAhead.start(peerSet, party::fetchKeyAhead);
    return new PartyNode(server, peerSet, store, List.of(io, calls.threads()), sweeper, audit, ahead);
  }

  public int port() {
    return server.getPort();
  }

  /** What this party stores under a name (its private value or its share), for embedding and tests. */
  public StoredValue stored(String name) {
    return store.get(name);
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    ahead.close();
    server.shutdownNow();
    sweeper.shutdownNow();
    pools.forEach(ExecutorService::shutdownNow);
    peers.close();
    store.close();
    audit.close();
  }
}
