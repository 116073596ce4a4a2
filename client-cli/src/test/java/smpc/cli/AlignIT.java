package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.testing.Seeds;
import smpc.sdk.Cluster;

/**
 * `smpc align` over real party processes: shuffled, partly overlapping ids at 2 and 3 parties leave exactly the
 * intersecting rows at every party, in one order, with their contents; every bad input is a one-line usage error
 * that leaves nothing stored.
 */
class AlignIT {
  /** Each row's features are functions of its key k (id "u" + k), so a row's party and contents identify it. */
  private static Set<Integer> write(Path file, Random rnd, int size, String header, double scale, double shift, boolean idLast) throws Exception {
    List<Integer> keys = new ArrayList<>();
    for (int k = 0; k < 200; k++) keys.add(k);
    Collections.shuffle(keys, rnd);
    List<String> lines = new ArrayList<>(List.of(header));
    for (int k : keys.subList(0, size)) {
      String f = (scale * k + shift) + "," + (-k);
      lines.add(idLast ? f + ",u" + k : "u" + k + "," + f);
    }
    Files.write(file, lines);
    return new HashSet<>(keys.subList(0, size));
  }

  @Test
  void onlyIntersectingRowsSurviveInOneOrderAtEveryParty(@TempDir Path dir) throws Exception {
    long seed = Seeds.BASE;
    System.out.println("AlignIT seed " + seed);
    Random rnd = new Random(seed);
    Path a = dir.resolve("a.csv"), b = dir.resolve("b.csv"), cf = dir.resolve("c.csv");
    Set<Integer> ka = write(a, rnd, 120, "id,a1,a2", 1, 0.5, false);
    Set<Integer> kb = write(b, rnd, 130, "b1,b2,id", 2, 0, true);
    Set<Integer> kc = write(cf, rnd, 140, "key,c1,c2", 3, 0.25, false);
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      String out = cluster.ok("align", "--protocol", "dh", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "ab");
      Set<Integer> ab = new HashSet<>(ka);
      ab.retainAll(kb);
      assertThat(out).startsWith(ab.size() + " common ids (of alice 120, bob 130)");
      try (Cluster c = cluster.sdk()) {
        List<Integer> order = keys(c, "alice", "ab", 2, 1, 0.5);
        assertThat(keys(c, "bob", "ab", 2, 2, 0)).isEqualTo(order);
        assertThat(new HashSet<>(order)).isEqualTo(ab).hasSize(order.size());

        // three parties with DH-PSI
        cluster.ok("align", "--protocol", "dh", "--ids", "carol:" + cf + ":key", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "abc");
        Set<Integer> abc = new HashSet<>(ab);
        abc.retainAll(kc);
        List<Integer> order3 = keys(c, "carol", "abc", 2, 3, 0.25);
        assertThat(keys(c, "alice", "abc", 2, 1, 0.5)).isEqualTo(order3);
        assertThat(keys(c, "bob", "abc", 2, 2, 0)).isEqualTo(order3);
        assertThat(new HashSet<>(order3)).isEqualTo(abc).hasSize(order3.size());

        // the dealer-assisted protocol (the default): the same rows, in one order of its own at every party
        assertThat(cluster.ok("align", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "dab"))
            .startsWith(ab.size() + " common ids (of alice 120, bob 130)");
        List<Integer> dealerOrder = keys(c, "alice", "dab", 2, 1, 0.5);
        assertThat(keys(c, "bob", "dab", 2, 2, 0)).isEqualTo(dealerOrder);
        assertThat(new HashSet<>(dealerOrder)).isEqualTo(ab).hasSize(dealerOrder.size());
        cluster.ok("align", "--ids", "carol:" + cf + ":key", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "dabc");
        List<Integer> dealer3 = keys(c, "carol", "dabc", 2, 3, 0.25);
        assertThat(keys(c, "alice", "dabc", 2, 1, 0.5)).isEqualTo(dealer3);
        assertThat(keys(c, "bob", "dabc", 2, 2, 0)).isEqualTo(dealer3);
        assertThat(new HashSet<>(dealer3)).isEqualTo(abc).hasSize(dealer3.size());
        // the default is the dealer's protocol: its order (of tags) is not DH's (of points), but with probability 1/|I|!
        assertThat(dealer3).isNotEqualTo(order3);
      }
      TestCluster.Result unknown = cluster.cli("align", "--protocol", "psi", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "x");
      assertThat(unknown.code()).isEqualTo(2);
      assertThat(unknown.err()).contains("'psi' is not a protocol: dh or dealer");
      assertThat(unknown.err().strip()).doesNotContain("\n"); // one line, not the usage
      // each party's aligned rows are its own private value of that name: listed once per party
      assertThat(cluster.ok("list")).containsPattern("ab +private +real +\\d+x2 +alice").containsPattern("ab +private +real +\\d+x2 +bob");
      assertThat(cluster.ok("list", "--party", "bob")).containsPattern("ab +private +real +\\d+x2 +bob").doesNotContainPattern("ab .* alice");

      Path dup = Files.write(dir.resolve("dup.csv"), List.of("id,x", "u1,1", "u2,2", "u1,3"));
      Path empty = Files.write(dir.resolve("empty.csv"), List.of("id,x"));
      Path disjoint = Files.write(dir.resolve("disjoint.csv"), List.of("id,x", "v1,1", "v2,2"));
      Path idsOnly = Files.write(dir.resolve("ids.csv"), List.of("id", "u1"));
      Path blank = Files.write(dir.resolve("blank.csv"), List.of("id,x", "u1,1", ",2"));
      String[][] bad = {
          {"alice:" + a + ":nope", "nope"},
          {"alice:" + dup + ":id", "alice's id 'u1' is in rows 1 and 3: ids must be unique"},
          {"dave:" + a + ":id", "unknown party 'dave'"},
          {"alice:" + empty + ":id", "empty.csv has no data rows"},
          {"alice:" + disjoint + ":id", "the parties' ids have no common element: nothing to align"},
          {"alice:" + idsOnly + ":id", "has no column besides its id column 'id'"},
          {"alice:" + blank + ":id", "alice's id in row 2 is empty"},
      };
      for (String[] t : bad) {
        TestCluster.Result r = cluster.cli("align", "--ids", t[0], "--ids", "bob:" + b + ":id", "--name", "bad");
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(t[1]).doesNotContain("\n");
      }
      // each party logs its alignments, never an id
      String log = Files.readString(Path.of(cluster.config().dataDir(), "bob.log"));
      assertThat(log).containsPattern("alignment end .*common=" + ab.size()).contains("alignment failed").doesNotContainPattern("\\bu1\\b");
      assertThat(log).contains("protocol=dealer").contains("protocol=dh");
      assertThat(cluster.ok("align", "--json", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "jab"))
          .contains("\"protocol\":\"dealer\",\"rows\":" + ab.size());
      TestCluster.Result again = cluster.cli("align", "--ids", "alice:" + a + ":id", "--ids", "bob:" + b + ":id", "--name", "ab");
      assertThat(again.code()).isEqualTo(2);
      assertThat(again.err()).contains("value 'ab' already exists");
      assertThat(cluster.ok("list")).doesNotContain("bad");
    }
  }

  /** The keys of a party's aligned rows, from their first column (scale·k + shift), checking the second (−k). */
  private static List<Integer> keys(Cluster c, String party, String name, int cols, double scale, double shift) {
    long[] v = c.fetch(party, name);
    List<Integer> keys = new ArrayList<>();
    for (int r = 0; r < v.length / cols; r++) {
      double first = v[r * cols] / 65536.0, second = v[r * cols + 1] / 65536.0;
      int k = (int) Math.round((first - shift) / scale);
      assertThat(second).as("%s row %d", party, r).isEqualTo(-k);
      keys.add(k);
    }
    return keys;
  }
}
