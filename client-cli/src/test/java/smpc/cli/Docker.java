package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/** Docker helpers for the container tests: availability rule, base image choice, running commands. */
final class Docker {
  private Docker() {}

  /**
   * Skips without Docker, except in CI (CI=true), where a missing Docker engine is a failure. Call it in each
   * test (or a @BeforeEach): an assumption failing in @BeforeAll is reported as "Tests run: 0", not as skipped.
   */
  static void require() {
    boolean available = available();
    if (!available && "true".equals(System.getenv("CI"))) Assertions.fail("CI=true but no Docker engine is available");
    Assumptions.assumeTrue(available, "no Docker engine: container tests skipped");
  }

  static boolean available() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The repository root, where the Dockerfiles and the compose files are (tests run in client-cli/). */
  static Path root() {
    Path cwd = Path.of("").toAbsolutePath();
    return java.nio.file.Files.exists(cwd.resolve("docker-compose.yml")) ? cwd : cwd.getParent();
  }

  /** $BASE_IMAGE, else the one scripts/base-image.sh recorded in .env, else the offline base image when it exists here, else the registry default. */
  static String baseImage() {
    String env = System.getenv("BASE_IMAGE");
    if (env != null && !env.isBlank()) return env;
    try {
      java.nio.file.Path dotEnv = root().resolve(".env");
      if (java.nio.file.Files.exists(dotEnv)) {
        for (String line : java.nio.file.Files.readAllLines(dotEnv)) {
          if (line.startsWith("BASE_IMAGE=") && line.length() > "BASE_IMAGE=".length()) return line.substring("BASE_IMAGE=".length()).trim();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read .env", e);
    }
    return run(List.of("docker", "image", "inspect", "smpc/jre:local"), Map.of(), false).code() == 0
        ? "smpc/jre:local" : "eclipse-temurin:17-jre";
  }

  record Out(int code, String text) {}

  /** Runs a command in the repository root; with {@code check}, a non-zero exit fails the test. */
  static Out run(List<String> cmd, Map<String, String> env, boolean check) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(root().toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      pb.environment().put("DOCKER_BUILDKIT", "0");
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
      Out out = new Out(p.exitValue(), text);
      if (check) assertThat(out.code()).as("%s failed:\n%s", String.join(" ", cmd), text).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<String> compose(String project, String file, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", file));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
