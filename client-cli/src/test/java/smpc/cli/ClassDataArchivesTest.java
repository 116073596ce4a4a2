package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which jar a cluster runs: the build's archived copy when its archive exists, else a private copy, never the built jar itself. */
class ClassDataArchivesTest {
  @TempDir Path lib;
  @TempDir Path clusterLib;

  @AfterEach
  void restore() {
    System.clearProperty("smpc.lib");
  }

  @Test
  void withoutAnArchiveAClusterRunsAPrivateCopyWithoutFlagsAndWithOneTheArchivedCopy() throws Exception {
    Path built = Files.writeString(lib.resolve("party-node-0.1.0-all.jar"), "not really a jar");
    System.setProperty("smpc.lib", lib.toString());
    ClassDataArchives.Launch plain = ClassDataArchives.launch("party-node", clusterLib, false);
    assertThat(plain.jar().getParent()).isEqualTo(clusterLib);
    assertThat(plain.jar().getFileName().toString()).startsWith("party-node-").endsWith(".jar");
    assertThat(Files.readString(plain.jar())).isEqualTo("not really a jar");
    assertThat(plain.flags()).isEmpty();
    assertThat(ClassDataArchives.launch("party-node", clusterLib, false).jar()).isEqualTo(plain.jar()); // copied once

    Path cds = Files.createDirectories(lib.resolve("cds"));
    Path copy = Files.copy(built, cds.resolve(plain.jar().getFileName()));
    Path archive = Files.writeString(cds.resolve(plain.jar().getFileName().toString().replace(".jar", ".jsa")), "archive");
    ClassDataArchives.Launch archived = ClassDataArchives.launch("party-node", clusterLib, false);
    assertThat(archived.jar()).isEqualTo(copy);
    assertThat(archived.flags()).contains("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off");

    Files.writeString(built, "a rebuilt jar, longer than before");
    ClassDataArchives.Launch rebuilt = ClassDataArchives.launch("party-node", clusterLib, false);
    assertThat(rebuilt.jar()).as("an archive of an older build is not used").isNotEqualTo(copy).startsWith(clusterLib);
    assertThat(rebuilt.flags()).isEmpty();
  }
}
