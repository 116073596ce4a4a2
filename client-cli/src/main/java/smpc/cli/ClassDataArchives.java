package smpc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Application class-data archives for the party and dealer JVMs (JDK 13+ dynamic archives, JEP 350): a server
 * that maps the classes it loaded last time instead of parsing and verifying them from its jar starts with
 * ~0.6 s less CPU (1.76 → 1.13 s per party to healthy, measured on JDK 17), which adds up over every `cluster
 * up` and every integration test's cluster.
 *
 * <p>JDK 17 accepts an archive only for the very jar path it was written with, so the build (client-cli's
 * src/cds/train.sh, package phase) writes one immutable copy of each server jar under {@code <lib>/cds/}, named
 * by the jar's size and time, and its archive beside it; a cluster then runs that copy. Without an archive for
 * the current build (an older JDK, a build that skipped training) a cluster runs a private copy of the jar as
 * before. A user's command never writes an archive. An archive the running JDK cannot use is ignored in silence.
 */
final class ClassDataArchives {
  /** Set (by train.sh only) on `cluster up` and `cluster down`: the dealer and the first party write archives at exit. */
  static final String WRITE = "SMPC_WRITE_SERVER_CDS";

  /** An archive this JVM cannot use (another JDK, a moved jar) is not worth a warning in every server log. */
  private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  private ClassDataArchives() {}

  static boolean writing() {
    String v = System.getenv(WRITE);
    return v != null && !v.isBlank();
  }

  /** A jar to run and the JVM flags that go with it. */
  record Launch(Path jar, List<String> flags) {}

  /**
   * How to start {@code module}: the build's archived copy when there is one (or while training, for {@code dumps}
   * processes), else a private copy in {@code clusterLib} without flags.
   */
  static Launch launch(String module, Path clusterLib, boolean dumps) throws IOException {
    Path built = LocalCluster.jar(module);
    String name = module + "-" + stamp(built);
    Path dir = built.getParent().resolve("cds");
    Path jar = dir.resolve(name + ".jar"), archive = dir.resolve(name + ".jsa");
    if (writing()) {
      copyOnce(built, jar);
      List<String> flags = new ArrayList<>(QUIET);
      // written under a temporary name; train.sh renames it once the process has exited cleanly
      if (dumps) flags.add("-XX:ArchiveClassesAtExit=" + dir.resolve(name + ".jsa.tmp"));
      return new Launch(jar, flags);
    }
    if (Files.isRegularFile(jar) && Files.isRegularFile(archive)) {
      List<String> flags = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"));
      flags.addAll(QUIET);
      return new Launch(jar, flags);
    }
    Path copy = clusterLib.resolve(name + ".jar");
    copyOnce(built, copy);
    return new Launch(copy, List.of());
  }

  /** Seconds a stopping server may take to exit: writing an archive at exit takes a few seconds on a loaded machine. */
  static int exitSeconds() {
    return writing() ? 60 : 5;
  }

  /**
   * A copy named by the build's size and time, so that rebuilding the project never swaps classes under a
   * running process (a rebuild makes a new name; an existing copy is never rewritten).
   */
  private static void copyOnce(Path built, Path copy) throws IOException {
    if (Files.exists(copy)) return;
    Files.createDirectories(copy.getParent());
    Path tmp = copy.resolveSibling(copy.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.copy(built, tmp, StandardCopyOption.REPLACE_EXISTING);
    try {
      Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) { // another CLI installed the same build first: theirs is identical
      Files.deleteIfExists(tmp);
      if (!Files.exists(copy)) throw raced;
    }
  }

  private static String stamp(Path built) throws IOException {
    return Long.toHexString(Files.size(built)) + "-" + Long.toHexString(Files.getLastModifiedTime(built).toMillis());
  }
}
