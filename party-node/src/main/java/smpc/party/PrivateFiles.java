package smpc.party;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Owner-only permissions for a party's value database: shares and private values are readable by the party's
 * own user only, whatever the umask. The directory is 0700, so nothing in it is reachable by others even
 * between RocksDB creating a file (with the umask's mode: it takes no mode of its own) and {@link #tighten}
 * making it 0600 at the next write.
 */
final class PrivateFiles {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) as 0700, or makes an existing one 0700. */
  static Path directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (posix(dir)) Files.setPosixFilePermissions(dir, DIRECTORY);
    return dir;
  }

  /** Makes every file directly in {@code dir} 0600. */
  static void tighten(Path dir) {
    if (!posix(dir)) return;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        try {
          if (Files.isRegularFile(f) && !Files.getPosixFilePermissions(f).equals(FILE)) Files.setPosixFilePermissions(f, FILE);
        } catch (IOException e) {
          // a file RocksDB deleted meanwhile (an old log, a compacted table): nothing to protect
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot restrict the permissions of the files in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
