package smpc.core.protocol;

import com.google.protobuf.CodedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import smpc.proto.Plan;

/**
 * What a session computes and which run of it this is, as SHA-256 digests that every party computes on its
 * own from the Execute request it received, so that the parties can check they were all asked for the same
 * thing before any of them sends anything that depends on a secret (docs/security.md, "Plan agreement").
 *
 * <p>The <em>computation digest</em> covers the plan, the parties in session order and the fractional bits:
 * everything that decides what is computed and where each result goes (every output's recipient and stored
 * name are fields of the plan's REVEAL and STORE instructions). It is the same for every run of the same
 * computation. The <em>session digest</em> adds the session id, the deadline and the requesting principal,
 * so it names one run requested by one principal.
 *
 * <p>Every item is length-prefixed (or fixed-size) and each digest starts with its own label, so distinct
 * inputs never encode alike. The plan enters as its protobuf encoding: Java's protobuf writes a message's
 * known fields in field-number order, repeated scalars packed and proto3 defaults omitted, so the same
 * message content gives the same bytes in every process of one build however the coordinator encoded it
 * (a party digests what it parsed, not the bytes it received); deterministic mode also sorts map entries,
 * should a plan ever carry a map. Unknown fields are kept and digested: a coordinator can make digests
 * differ with them, which only makes the session fail.
 */
public final class Digests {
  /** Bytes of a digest. */
  public static final int BYTES = 32;
  /** How logs and tools show the requesting principal of a plaintext cluster, where no certificate names one. */
  public static final String PLAINTEXT = "(plaintext)";

  private static final String COMPUTATION = "smpc computation digest v1";
  /** v2: binds whether the caller adds up the parts of reveals (RevealRoutes), so that a party of v1, which would route shares otherwise, fails the agreement. */
  private static final String SESSION = "smpc session digest v2";

  private Digests() {}

  /** The computation digest of running {@code plan} on {@code parties} (in session order) with {@code fracBits}. */
  public static byte[] computation(Plan plan, List<String> parties, int fracBits) {
    MessageDigest md = sha256();
    try (DataOutputStream out = new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), md))) {
      string(out, COMPUTATION);
      out.writeInt(parties.size());
      for (String p : parties) string(out, p);
      out.writeInt(fracBits);
      int size = plan.getSerializedSize();
      out.writeLong(size);
      out.flush();
      // a buffer no larger than the plan: the default 4 KB was the largest single allocation of a one-element session
      CodedOutputStream coded = CodedOutputStream.newInstance(out, Math.max(16, Math.min(4096, size)));
      coded.useDeterministicSerialization();
      plan.writeTo(coded);
      coded.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a null stream does not fail
    }
    return md.digest();
  }

  /**
   * The session digest: one run ({@code sessionId}, {@code deadlineUnixMs}) of a computation, requested by
   * {@code principal} (the name on the caller's certificate; null on a plaintext cluster, which encodes
   * unlike any name), whose caller adds up the parts of reveals or not ({@code callerAddsParts}: where shares go).
   */
  public static byte[] session(byte[] computation, byte[] sessionId, long deadlineUnixMs, String principal, boolean callerAddsParts) {
    if (computation.length != BYTES) throw new IllegalArgumentException("a computation digest has " + BYTES + " bytes");
    MessageDigest md = sha256();
    try (DataOutputStream out = new DataOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), md))) {
      string(out, SESSION);
      out.write(computation);
      out.writeInt(sessionId.length);
      out.write(sessionId);
      out.writeLong(deadlineUnixMs);
      out.writeBoolean(principal != null);
      if (principal != null) string(out, principal);
      out.writeBoolean(callerAddsParts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return md.digest();
  }

  /** How a digest is shown: 64 lowercase hex digits. */
  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
