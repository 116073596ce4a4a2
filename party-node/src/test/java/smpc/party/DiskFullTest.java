package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.core.protocol.StoredValue;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** A party's store on a small real volume (a tmpfs mounted for the test; root only) that fills up. */
class DiskFullTest {
  private Path mount;

  @BeforeEach
  void mountSmallVolume() throws Exception {
    mount = Files.createTempDirectory("smpc-full");
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", mount.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    boolean mounted = p.waitFor() == 0;
    if (!mounted) Files.delete(mount);
    assumeTrue(mounted, "needs a tmpfs of its own, which only root may mount here: " + out.strip());
  }

  @AfterEach
  void unmount() throws Exception {
    if (mount == null || !Files.exists(mount)) return;
    new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    Files.delete(mount);
  }

  private static StoredValue value(String name, int elements) {
    ValueInfo i = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(elements).setOwner("alice").build();
    return new StoredValue(i, new long[elements]);
  }

  @Test
  void aFullDiskIsAClearRefusalAndRmFreesSpace() throws Exception {
    int eightMib = 1 << 20;
    try (ValueStore s = new ValueStore("alice", mount.resolve("alice"))) {
      int stored = 0;
      Failure full = null;
      while (full == null) {
        try {
          s.putNew(value("v" + stored, eightMib));
          stored++;
        } catch (Failure f) {
          full = f;
        }
        assertThat(stored).isLessThan(12);
      }
      assertThat(full.code()).isEqualTo(Failure.Code.RESOURCE_EXHAUSTED);
      assertThat(full.getMessage()).startsWith("party alice: disk full storing 'v" + stored + "'").contains("`smpc rm` frees space");
      assertThat(stored).isGreaterThanOrEqualTo(4);
      assertThat(s.info("v" + stored)).isNull();
      // deletes need no free space beyond the headroom, and give theirs back
      for (int k = 0; k < 2; k++) assertThat(s.delete("v" + k)).isTrue();
      s.putNew(value("after", eightMib));
      assertThat(s.get("after").data()).hasSize(eightMib);
      assertThat(s.get("v2").data()).hasSize(eightMib);
    }
    try (ValueStore s = new ValueStore("alice", mount.resolve("alice"))) { // and it all survives a reopen
      assertThat(s.list()).extracting(ValueInfo::getName).contains("after", "v2").doesNotContain("v0", "v1");
    }
  }
}
