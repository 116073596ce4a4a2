package smpc.sdk;

import com.google.protobuf.UnsafeByteOperations;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import smpc.core.protocol.Limits;
import smpc.core.ring.Packing;
import smpc.net.Chunks;
import smpc.net.Grpc;
import smpc.proto.DType;
import smpc.proto.InputChunk;
import smpc.proto.ListRequest;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.ValueChunk;
import smpc.proto.ValueInfo;

/**
 * What the parties store: private inputs stored on their owners, values fetched by a party's own client,
 * the catalog of names (metadata only: the coordinator never sees data or shares) and deletion.
 */
public final class Values {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Connection conn;
  private final Runnable changed; // what the parties store changed: cached catalogs are stale
  private final Map<String, Boolean> temporaries = new ConcurrentHashMap<>();

  Values(Connection conn, Runnable changed) {
    this.conn = conn;
    this.changed = changed;
  }

  /** Stores a private integer value on its owner. */
  public ValueMeta input(String party, String name, long[] values) {
    return ValueMeta.of(input(party, name, values, DType.INT, 0));
  }

  /** Stores a private integer matrix on its owner: {@code values} row by row, {@code cols} to a row. */
  public ValueMeta inputMatrix(String party, String name, long[] values, int cols) {
    return ValueMeta.of(input(party, name, values, DType.INT, columns(name, values.length, cols)));
  }

  /** Stores a private real matrix on its owner: {@code values} row by row, {@code cols} to a row. */
  public ValueMeta inputRealMatrix(String party, String name, java.math.BigDecimal[] values, int cols) {
    return ValueMeta.of(input(party, name, encode(name, values), DType.REAL, columns(name, values.length, cols)));
  }

  /**
   * Stores a private real value given encoded, round(x·2^f) with {@code fracBits} = f
   * ({@code smpc.core.ring.FixedPoint.encode}): eight bytes a value, for inputs too long to hold as BigDecimals.
   * Refused unless f is the cluster's and every x is within the reals' range, as {@link #inputReal} checks.
   */
  public ValueMeta inputFixedPoint(String party, String name, long[] encoded, int fracBits) {
    return ValueMeta.of(input(party, name, checked(name, encoded, fracBits), DType.REAL, 0));
  }

  /** A private real matrix given encoded as {@link #inputFixedPoint}: row by row, {@code cols} to a row. */
  public ValueMeta inputFixedPointMatrix(String party, String name, long[] encoded, int cols, int fracBits) {
    return ValueMeta.of(input(party, name, checked(name, encoded, fracBits), DType.REAL, columns(name, encoded.length, cols)));
  }

  private long[] checked(String name, long[] encoded, int fracBits) {
    int f = conn.config.fracBitsOrDefault();
    if (fracBits != f) throw SmpcException.usage("value '%s' is encoded with %d fractional bits, the cluster uses %d", name, fracBits, f);
    try {
      for (int i = 0; i < encoded.length; i++) smpc.core.ring.FixedPoint.requireEncodable(encoded[i], f, "element " + (i + 1) + " of '" + name + "'");
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
    return encoded;
  }

  private static int columns(String name, int length, int cols) {
    if (cols < 1 || length % cols != 0) throw SmpcException.usage("matrix '%s' of %d elements does not have rows of %d", name, length, cols);
    return cols;
  }

  /** round(x * 2^f) with the cluster's fractional bits, or a usage error naming what is out of range. */
  long encode(double x, String what) {
    try {
      return smpc.core.ring.FixedPoint.encode(new java.math.BigDecimal(Double.toString(x)), conn.config.fracBitsOrDefault(), what);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
  }

  /** Stores a private real value on its owner, encoded with the cluster's fractional bits. */
  public ValueMeta inputReal(String party, String name, java.math.BigDecimal[] values) {
    return ValueMeta.of(input(party, name, encode(name, values), DType.REAL, 0));
  }

  private long[] encode(String name, java.math.BigDecimal[] values) {
    int f = conn.config.fracBitsOrDefault();
    long[] enc = new long[values.length];
    try {
      for (int i = 0; i < values.length; i++) {
        enc[i] = smpc.core.ring.FixedPoint.encode(values[i], f, values.length == 1 ? "'" + name + "'" : "element " + (i + 1) + " of '" + name + "'");
      }
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
    return enc;
  }

  private ValueInfo input(String party, String name, long[] values, DType dtype, int cols) {
    if (values.length == 0) throw SmpcException.usage("value '%s' is an empty vector", name);
    if (values.length > Limits.MAX_VECTOR) throw SmpcException.usage("value '%s' has more than %d elements", name, Limits.MAX_VECTOR);
    int per = Limits.CHUNK_BYTES / 8; // packed a chunk at a time: a long vector is never held twice
    Chunks.Upload<InputChunk, ValueInfo> up = Chunks.upload(Chunks.count(8L * values.length, Limits.CHUNK_BYTES), k -> {
      long[] part = java.util.Arrays.copyOfRange(values, k * per, (int) Math.min(values.length, (long) (k + 1) * per));
      InputChunk.Builder b = InputChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(Packing.toBytes(part)));
      if (k == 0) b.setName(name).setDtype(dtype).setLength(values.length).setFracBits(dtype == DType.REAL ? conn.config.fracBitsOrDefault() : 0)
          .setCols(cols);
      return b.build();
    });
    PartyGrpc.newStub(conn.channel(party)).withOnReadyThreshold(Grpc.QUEUED).withDeadlineAfter(conn.timeout.toMillis(), TimeUnit.MILLISECONDS)
        .input(up);
    try {
      return up.reply.join();
    } catch (RuntimeException e) {
      throw SmpcException.from(e.getCause() != null ? e.getCause() : e, conn.where(party));
    } finally {
      changed.run();
    }
  }

  /** A private value of {@code party} (the owner's or a result revealed to it). */
  public long[] fetch(String party, String name) {
    try {
      Iterator<ValueChunk> it = conn.party(party).getValue(NameRequest.newBuilder().setName(name).build());
      ValueInfo info = null;
      long[] out = null;
      int pos = 0;
      while (it.hasNext()) {
        ValueChunk c = it.next();
        if (c.hasInfo()) {
          info = c.getInfo();
          out = new long[Math.toIntExact(info.getLength())];
        }
        if (out == null) throw SmpcException.failure("%s sent data before metadata", conn.where(party));
        long[] part = Packing.fromByteString(c.getData());
        System.arraycopy(part, 0, out, pos, part.length);
        pos += part.length;
      }
      if (out == null || pos != out.length) throw SmpcException.failure("%s sent an incomplete value", conn.where(party));
      return out;
    } catch (io.grpc.StatusRuntimeException e) {
      throw SmpcException.from(e, conn.where(party));
    }
  }

  /** What every party stores (metadata only). Fails naming the first party that does not answer. */
  public Catalog catalog() {
    return catalog(conn.config.partyNames());
  }

  /** What the given parties store (metadata only), asked of all of them at once. */
  public Catalog catalog(List<String> parties) {
    return catalog(parties, null);
  }

  /**
   * What every party that answers stores; one that cannot be reached, other than {@code needed}, is in the result's
   * {@link Catalog#down()} instead of failing the call. For checks that are a courtesy to the user (is this name new?),
   * which a party down elsewhere should not turn into a refusal of an action that needs only {@code needed}.
   */
  public Catalog catalogOfThoseUp(String needed) {
    return catalog(conn.config.partyNames(), needed);
  }

  private Catalog catalog(List<String> parties, String lenientExcept) {
    Map<String, com.google.common.util.concurrent.ListenableFuture<smpc.proto.ListReply>> calls = new LinkedHashMap<>();
    Catalog c = new Catalog();
    c.notAsked(conn.config.partyNames().stream().filter(p -> !parties.contains(p)).toList());
    // acting as one organisation's client, only its own party lists its names to it: the others refused, and each of
    // those refusals went to their audit logs at every command of a deployed organisation's CLI
    String own = conn.organisation();
    boolean onlyOwn = own != null && parties.contains(own);
    for (String p : parties) {
      if (onlyOwn && !p.equals(own)) {
        c.unseen(p);
        continue;
      }
      calls.put(p, PartyGrpc.newFutureStub(conn.channel(p)).withDeadlineAfter(conn.timeout.toMillis(), TimeUnit.MILLISECONDS)
          .listValues(ListRequest.getDefaultInstance()));
    }
    int seen = 0;
    SmpcException refusal = null;
    for (Map.Entry<String, com.google.common.util.concurrent.ListenableFuture<smpc.proto.ListReply>> e : calls.entrySet()) {
      try {
        c.add(e.getKey(), e.getValue().get().getValuesList());
        seen++;
      } catch (java.util.concurrent.ExecutionException ex) {
        // acting as one party's client, the others' names are theirs: what it may use is in its own list
        io.grpc.Status.Code code = io.grpc.Status.fromThrowable(ex.getCause()).getCode();
        if (lenientExcept != null && !e.getKey().equals(lenientExcept)
            && (code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.DEADLINE_EXCEEDED)) {
          c.down(e.getKey());
          continue;
        }
        boolean refused = code == io.grpc.Status.Code.PERMISSION_DENIED;
        if (!refused || conn.principal() == null) throw SmpcException.from(ex.getCause(), conn.where(e.getKey()));
        c.unseen(e.getKey());
        if (refusal == null) refusal = SmpcException.from(ex.getCause(), conn.where(e.getKey()));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw SmpcException.failure("interrupted");
      }
    }
    if (seen == 0 && refusal != null) throw refusal;
    return c;
  }

  /** Deletes a name on every party holding it; returns those parties. */
  public List<String> delete(String name) {
    List<String> done = new ArrayList<>();
    for (String p : holders(name)) {
      try {
        if (conn.party(p).deleteValue(NameRequest.newBuilder().setName(name).build()).getDeleted()) done.add(p);
      } catch (io.grpc.StatusRuntimeException e) {
        throw SmpcException.from(e, conn.where(p));
      }
    }
    temporaries.remove(name);
    changed.run();
    return done;
  }

  /**
   * Deletes every value stored on {@code party} (its private values and its shares), each with a Delete
   * call authorised as any deletion there; returns the names. Other parties keep their shares of a shared
   * value, useless without this party's, until they are reset or the name is removed.
   */
  public List<String> reset(String party) {
    conn.address(party);
    List<String> done = new ArrayList<>();
    try {
      for (ValueInfo v : conn.party(party).listValues(ListRequest.getDefaultInstance()).getValuesList()) {
        if (conn.party(party).deleteValue(NameRequest.newBuilder().setName(v.getName()).build()).getDeleted()) done.add(v.getName());
      }
    } catch (io.grpc.StatusRuntimeException e) {
      throw SmpcException.from(e, conn.where(party));
    } finally {
      changed.run();
    }
    return done;
  }

  /**
   * Where to delete: every party; for a client acting as one organisation, its own party's private value
   * there, or the holders its own party records for a shared value it owns (an owner deletes every share;
   * anyone else is refused before anything is deleted), so that only a name its own party lacks is asked
   * of every party (which then refuse what is not its).
   */
  private List<String> holders(String name) {
    String org = conn.organisation();
    if (org == null || !conn.config.partyNames().contains(org)) return conn.config.partyNames();
    try {
      for (ValueInfo v : conn.party(org).listValues(smpc.proto.ListRequest.getDefaultInstance()).getValuesList()) {
        if (!v.getName().equals(name)) continue;
        if (v.getKind() != smpc.proto.Kind.SHARED) return List.of(org);
        // deleting only this organisation's share would leave the others' useless: owners delete every share
        boolean owner = v.getOwner().equals(org) || smpc.core.protocol.Disclosure.recorded(v).contains(org);
        if (!owner) {
          throw SmpcException.usage("'%s' is shared among %s and depends on %s's inputs: only their clients delete it (every share at once)",
              name, String.join(", ", v.getPartiesList()), String.join(", ", smpc.core.protocol.Disclosure.recorded(v)));
        }
        return v.getPartiesList();
      }
    } catch (io.grpc.StatusRuntimeException e) {
      throw SmpcException.from(e, conn.where(org));
    }
    return conn.config.partyNames();
  }

  /** A fresh name for an SDK value that is deleted when this connection closes. */
  String temporary() {
    String name = "_sdk_" + HexFormat.of().formatHex(randomBytes(6));
    temporaries.put(name, Boolean.TRUE);
    return name;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Deletes the temporary values of this connection (a party that is down keeps its copy until `smpc rm`). */
  void deleteTemporaries() {
    for (String name : List.copyOf(temporaries.keySet())) {
      try {
        delete(name);
      } catch (SmpcException ignored) {
        // best effort, as documented
      }
    }
  }
}
