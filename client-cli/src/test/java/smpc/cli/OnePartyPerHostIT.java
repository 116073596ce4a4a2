package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;

/**
 * Each party and the dealer as its own compose stack (deploy/party.compose.yml, deploy/dealer.compose.yml),
 * as if on separate hosts. Here the "hosts" share one Docker network, on which each stack's container is
 * known by its party's name.
 */
class OnePartyPerHostIT {
  @Test
  void threeSinglePartyStacksComputeTogether() throws Exception {
    Docker.require();
    String tag = Long.toHexString(System.nanoTime());
    String network = "smpc-onehost-" + tag;
    int base = TestCluster.freeBasePort(4);
    List<String> names = List.of("alice", "bob", "carol");
    List<String[]> stacks = new ArrayList<>(); // project, file
    java.nio.file.Path certs = java.nio.file.Files.createTempDirectory("smpc-onehost-certs");
    java.nio.file.Files.setPosixFilePermissions(certs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Certificates.create(certs, names, List.of(), 1, true); // every host mounts the directory here (one machine)
    try {
      Docker.run(List.of("docker", "network", "create", network), Map.of(), true);
      String dealerProject = "smpc-dealer-" + tag;
      stacks.add(new String[] {dealerProject, "deploy/dealer.compose.yml"});
      Docker.run(Docker.compose(dealerProject, "deploy/dealer.compose.yml", "up", "-d", "--build"),
          Map.of("BASE_IMAGE", Docker.baseImage(), "DEALER_PORT", Integer.toString(base), "SMPC_CERTS", certs.toString()), true);
      connect(network, dealerProject, "dealer", "dealer");
      for (int i = 0; i < 3; i++) {
        String me = names.get(i);
        List<String> peers = new ArrayList<>();
        for (String p : names) if (!p.equals(me)) peers.add(p + "=" + p + ":50051");
        String project = "smpc-" + me + "-" + tag;
        stacks.add(new String[] {project, "deploy/party.compose.yml"});
        Docker.run(Docker.compose(project, "deploy/party.compose.yml", "up", "-d", "--build"), Map.of(
            "BASE_IMAGE", Docker.baseImage(), "PARTY_NAME", me, "PEERS", String.join(",", peers),
            "DEALER", "dealer:50050", "PARTY_PORT", Integer.toString(base + 1 + i), "SMPC_CERTS", certs.toString()), true);
        connect(network, project, "party", me);
      }
      ClusterConfig config = ClusterConfig.local(names, base).withTls(new ClusterConfig.TlsConfig(certs.toString(), null));
      Waits.until(() -> Cluster.isUp(config), 300, "the three party stacks and the dealer to answer their health checks");
      try (Cluster c = Cluster.connect(config)) {
        c.input("alice", "a", new long[] {25});
        c.input("bob", "b", new long[] {50});
        long[] r = c.evaluate(List.of(smpc.core.expr.Compiler.Output.reveal(smpc.core.expr.Parser.parse("(a*b) - 5*(a+b)"),
            "alice")), names).revealed().get(0);
        assertThat(r).containsExactly(875);
      }
    } finally {
      for (String[] s : stacks) {
        Docker.run(Docker.compose(s[0], s[1], "down", "-v"), Map.of("PARTY_NAME", "x", "PEERS", "x", "DEALER", "x",
            "SMPC_CERTS", certs.toString()), false);
      }
      Docker.run(List.of("docker", "network", "rm", network), Map.of(), false);
    }
  }

  /** Attaches a stack's container to the shared network under the name its peers use. */
  private static void connect(String network, String project, String service, String alias) {
    String id = Docker.run(Docker.compose(project, service.equals("dealer") ? "deploy/dealer.compose.yml" : "deploy/party.compose.yml",
        "ps", "-q", service), Map.of("PARTY_NAME", "x", "PEERS", "x", "DEALER", "x"), true).text().trim();
    Docker.run(List.of("docker", "network", "connect", "--alias", alias, network, id), Map.of(), true);
  }
}
