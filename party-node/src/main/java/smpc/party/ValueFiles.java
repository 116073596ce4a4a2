package smpc.party;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.ValueInfo;

/**
 * Durable copies of a party's values: one file per name (metadata, then the raw little-endian data),
 * written to a temporary file, fsync'd and renamed into place, so a value acknowledged to a client
 * survives a crash and a half-written file never replaces a whole one.
 */
final class ValueFiles {
  private static final Logger LOG = Logger.getLogger(ValueFiles.class.getName());
  private static final String SUFFIX = ".value";

  private final Path dir;

  ValueFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  void write(StoredValue v) {
    Path target = dir.resolve(v.info().getName() + SUFFIX);
    Path tmp = dir.resolve(v.info().getName() + SUFFIX + ".tmp");
    byte[] info = v.info().toByteArray();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.allocate(4).putInt(info.length).flip());
      ch.write(ByteBuffer.wrap(info));
      ch.write(ByteBuffer.wrap(Packing.toBytes(v.data())));
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write value file " + tmp, e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      syncDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store value file " + target, e);
    }
  }

  void delete(String name) {
    try {
      Files.deleteIfExists(dir.resolve(name + SUFFIX));
      syncDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete value file for " + name, e);
    }
  }

  private void syncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Every stored value; leftover temporary files of interrupted writes are removed. */
  List<StoredValue> readAll() throws IOException {
    List<StoredValue> out = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(SUFFIX + ".tmp")) {
          Files.delete(f);
        } else if (n.endsWith(SUFFIX)) {
          out.add(read(f));
        }
      }
    }
    LOG.info(() -> "loaded " + out.size() + " values from " + dir);
    return out;
  }

  private static StoredValue read(Path f) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
      byte[] info = new byte[in.readInt()];
      in.readFully(info);
      ValueInfo vi = ValueInfo.parseFrom(info);
      byte[] data = in.readAllBytes();
      if (data.length != vi.getLength() * 8) throw new IOException("value file " + f + " is truncated");
      return new StoredValue(vi, Packing.fromBytes(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
    }
  }
}
