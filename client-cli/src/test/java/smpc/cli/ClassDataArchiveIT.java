package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The build's server class-data archives (written by src/cds/train.sh in the package phase) are ones this JVM
 * maps: with -Xshare:on a JVM that cannot use its archive refuses to start. And a cluster started now runs the
 * archived copy with its archive.
 */
class ClassDataArchiveIT {
  @ParameterizedTest
  @ValueSource(strings = {"party-node", "dealer-service"})
  void theBuildsArchiveIsOneThisJvmMapsAndClustersUseIt(String module) throws Exception {
    Path dir = LocalCluster.lib().resolve("cds");
    Path archive;
    try (var files = Files.list(dir)) {
      archive = files.filter(f -> f.getFileName().toString().matches(module + "-.*\\.jsa")).findFirst()
          .orElseThrow(() -> new AssertionError("no " + module + " archive in " + dir));
    }
    Path jar = archive.resolveSibling(archive.getFileName().toString().replaceAll("\\.jsa$", ".jar"));
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xshare:on",
        "-XX:SharedArchiveFile=" + archive, "-jar", jar.toString(), "--version"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).startsWith("smpc ");

    ClassDataArchives.Launch launch = ClassDataArchives.launch(module, Files.createTempDirectory("smpc-lib"), false);
    assertThat(launch.jar()).isEqualTo(jar);
    assertThat(launch.flags()).contains("-XX:SharedArchiveFile=" + archive);
  }
}
