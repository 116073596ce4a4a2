package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.PrivateScalar;
import smpc.sdk.SmpcException;
import smpc.sdk.VirtualMachine;

/** The real images, started from the project's docker-compose.yml with Testcontainers. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerComposeIT {
  static DockerComposeContainer<?> stack;
  static ClusterConfig config;

  /** Each service's own wait as long as the stack's: four JVMs starting on a loaded 2-core machine take minutes. */
  private static org.testcontainers.containers.wait.strategy.WaitStrategy healthy() {
    return Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(3));
  }

  @BeforeAll
  static void start() throws Exception {
    if (!Docker.available()) return; // each test then reports itself skipped (or, in CI, failed) by Docker.require()
    int base = TestCluster.freeBasePort(4);
    java.nio.file.Path certs = java.nio.file.Files.createTempDirectory("smpc-compose-certs");
    java.nio.file.Files.setPosixFilePermissions(certs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")); // the containers' user
    Certificates.create(certs, List.of("alice", "bob", "carol"), List.of(), 1, true); // the containers' user reads them
    Map<String, String> env = Map.of("BASE_IMAGE", Docker.baseImage(), "DEALER_PORT", Integer.toString(base),
        "ALICE_PORT", Integer.toString(base + 1), "BOB_PORT", Integer.toString(base + 2), "CAROL_PORT", Integer.toString(base + 3),
        "SMPC_CERTS", certs.toString());
    stack = new DockerComposeContainer<>(new File(Docker.root().toFile(), "docker-compose.yml"))
        .withEnv(env).withBuild(true).withPull(false).withRemoveVolumes(true)
        .waitingFor("dealer", healthy()).waitingFor("alice", healthy()).waitingFor("bob", healthy())
        .waitingFor("carol", healthy())
        .withStartupTimeout(Duration.ofMinutes(3));
    stack.start();
    config = ClusterConfig.local(List.of("alice", "bob", "carol"), base).withTls(new ClusterConfig.TlsConfig(certs.toString(), null));
  }

  @BeforeEach
  void docker() {
    Docker.require();
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.stop();
  }

  @Test
  @Order(1)
  void seedExampleAgainstTheComposeStack() {
    try (Cluster c = Cluster.connect(config)) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), carol = c.vm("carol");
      PrivateScalar a = new PrivateScalar(25, alice), b = new PrivateScalar(50, bob);
      var sa = a.share(bob, carol);
      var sb = b.share(alice, carol);
      assertThat(sa.mul(sb).sub(sa.add(sb).mul(5)).reconstruct(alice)).hasToString("PrivateScalar(875, 'alice')");
    }
  }

  @Test
  @Order(2)
  void aRestartedPartyContainerKeepsItsValues() throws Exception {
    try (Cluster c = Cluster.connect(config)) {
      c.input("alice", "kept", new long[] {11, 12});
      c.input("bob", "kept_b", new long[] {3});
      c.share("kept", List.of("bob", "carol"), "kept_s");
    }
    for (String party : List.of("alice", "bob")) {
      ContainerState s = container(party);
      DockerClientFactory.instance().client().restartContainerCmd(s.getContainerId()).withTimeout(10).exec();
    }
    awaitHealthy();
    try (Cluster c = Cluster.connect(config)) {
      assertThat(c.fetch("alice", "kept")).containsExactly(11, 12); // alice's own private value
      long[] r = c.evaluate(List.of(Compiler.Output.reveal(Parser.parse("kept_s * kept_b"), "carol")), c.parties())
          .revealed().get(0);
      assertThat(r).containsExactly(33, 36);
    }
  }

  @Test
  @Order(3)
  void aPartyContainerStoppedMidSessionGivesAClearErrorAndTheOthersGoOn() throws Exception {
    int n = 1_000_000;
    try (Cluster c = Cluster.connect(config).withTimeout(Duration.ofSeconds(40))) {
      c.input("alice", "big_x", new Random(1).longs(n).toArray());
      c.input("carol", "big_y", new Random(2).longs(n).toArray());
      c.input("alice", "s", new long[] {6});
      c.input("carol", "t", new long[] {7});
      CompletableFuture<Object> eval = CompletableFuture.supplyAsync(() -> c.evaluate(
          List.of(Compiler.Output.reveal(Parser.parse("big_x*big_y*big_x*big_y*big_x*big_y*big_x"), "alice")), c.parties()));
      Thread.sleep(1500);
      assertThat(eval).isNotDone();
      DockerClientFactory.instance().client().stopContainerCmd(container("bob").getContainerId()).withTimeout(0).exec();
      assertThatThrownBy(() -> eval.get(45, TimeUnit.SECONDS)).hasCauseInstanceOf(SmpcException.class)
          .cause().hasMessageContaining("bob");
      long[] r = c.evaluate(List.of(Compiler.Output.reveal(Parser.parse("s * t"), "carol")), List.of("alice", "carol"))
          .revealed().get(0);
      assertThat(r).containsExactly(42);
    }
  }

  static ContainerState container(String service) {
    return stack.getContainerByServiceName(service).or(() -> stack.getContainerByServiceName(service + "_1")).orElseThrow();
  }

  static void awaitHealthy() throws InterruptedException {
    long until = System.currentTimeMillis() + 180_000;
    while (System.currentTimeMillis() < until) {
      if (Cluster.isUp(config)) return;
      Thread.sleep(500);
    }
    throw new AssertionError("the stack did not answer `status` within 180 s of the restart");
  }
}
