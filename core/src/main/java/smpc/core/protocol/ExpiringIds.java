package smpc.core.protocol;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;

/**
 * Ids of a fixed size (session ids, session contexts) remembered until a time each, so that what ran is refused
 * again until then; optionally counted by a small tag (the dealer's designated party). Kept in a few flat arrays
 * (open addressing, linear probing, at most half full): the id, its time and a tag, 28 or 44 bytes a slot,
 * where a {@code ConcurrentHashMap} of ByteString to Long took about 120 bytes an entry in 4 objects. Those objects
 * made a warm party's young collections slower: each lives 10 minutes, so each was copied through the survivor
 * spaces up to 15 times (about 1 MB copied per collection under W1, docs/performance.md "Ids kept without objects").
 *
 * <p>Slots are found by a hash seeded at random in each process, so where ids fall is not known in advance (not a keyed
 * PRF such as SipHash: the dealer's contexts are SHA-256 outputs, and session ids come from authorised callers).
 * Expiry removes by backward shift (Knuth, TAOCP vol. 3, 6.4, Algorithm R): no tombstones, nothing allocated unless
 * the table grows or shrinks. All methods are synchronized; every call is short, but {@link #expire} scans the
 * whole table (a sweep every few seconds: about 2 ms for a party's 2^19 slots at 400 sessions a second) and a
 * growth copies it.
 */
public final class ExpiringIds {
  /** Slots at most: 2^26 (about 2.9 GB of 32-byte ids), far below where an index of a key word would overflow. */
  static final int MAX_CAPACITY = 1 << 26;

  private final int words;
  private final int minCapacity;
  private final long seed;
  private final byte[] idBytes;
  private final long[] idWords; // words(id)'s result, valid until the next call
  private long[] keys; // words per slot
  private long[] until; // 0: the slot is empty
  private int[] tags;
  private int[] counts = new int[1];
  private int size;

  /** @param idBytes the size of every id, a multiple of 8 */
  public ExpiringIds(int idBytes) {
    this(idBytes, 1 << 10, new SecureRandom().nextLong());
  }

  /** As {@link #ExpiringIds(int)} with a first capacity (a power of 2) and the hash's seed given (tests). */
  ExpiringIds(int idBytes, int minCapacity, long hashSeed) {
    if (idBytes <= 0 || idBytes % 8 != 0) throw new IllegalArgumentException("id size must be a positive multiple of 8: " + idBytes);
    if (Integer.bitCount(minCapacity) != 1) throw new IllegalArgumentException("capacity must be a power of 2: " + minCapacity);
    words = idBytes / 8;
    this.idBytes = new byte[idBytes];
    idWords = new long[words];
    this.minCapacity = minCapacity;
    seed = hashSeed;
    resize(minCapacity);
  }

  /** Until when {@code id} is remembered; 0 when it is not. */
  public synchronized long until(ByteString id) {
    int slot = find(words(id));
    return slot < 0 ? 0 : until[slot];
  }

  public synchronized boolean contains(ByteString id) {
    return find(words(id)) >= 0;
  }

  /** Remembers {@code id} until {@code untilMs} (never shortened: a later time only), counted under tag 0. */
  public void put(ByteString id, long untilMs) {
    put(id, untilMs, 0);
  }

  /** As {@link #put(ByteString, long)}, counted under {@code tag} (0 or more) while it is kept; an id kept already keeps its tag. */
  public synchronized void put(ByteString id, long untilMs, int tag) {
    if (untilMs <= 0) throw new IllegalArgumentException("an id is kept until a time after 0");
    if (tag < 0) throw new IllegalArgumentException("a tag is 0 or more: " + tag);
    long[] k = words(id);
    int slot = find(k);
    if (slot >= 0) {
      until[slot] = Math.max(until[slot], untilMs);
      return;
    }
    if (2L * (size + 1) > until.length) {
      if (until.length >= MAX_CAPACITY) throw smpc.core.Errors.exhausted("%d ids are kept already: try again later", size);
      resize(2 * until.length);
    }
    if (tag >= counts.length) counts = java.util.Arrays.copyOf(counts, Math.max(tag + 1, 2 * counts.length));
    slot = slot(hash(k, 0), until.length);
    while (until[slot] != 0) slot = next(slot);
    System.arraycopy(k, 0, keys, slot * words, words);
    until[slot] = untilMs;
    tags[slot] = tag;
    counts[tag]++;
    size++;
  }

  /** How many ids are kept under {@code tag}. */
  public synchronized int count(int tag) {
    return tag >= 0 && tag < counts.length ? counts[tag] : 0;
  }

  public synchronized int size() {
    return size;
  }

  /** Forgets every id kept until before {@code nowMs} (counted down under its tag); returns how many. */
  public synchronized int expire(long nowMs) {
    int dropped = 0;
    for (int slot = 0; slot < until.length; ) {
      if (until[slot] != 0 && until[slot] < nowMs) {
        int tag = tags[slot];
        counts[tag]--;
        size--;
        dropped++;
        // the slot is filled again from later in its run (or left empty): look at it once more
        if (delete(slot)) continue;
      }
      slot++;
    }
    if (until.length > minCapacity && 8L * size < until.length) { // a quarter full at once, not a halving per sweep
      int capacity = minCapacity;
      while (capacity < 4L * size) capacity *= 2;
      resize(capacity);
    }
    return dropped;
  }

  /** Empties {@code slot}, moving later entries of its run back (Algorithm R); true when one moved into it. */
  private boolean delete(int slot) {
    int hole = slot;
    boolean filled = false;
    for (int j = next(hole); until[j] != 0; j = next(j)) {
      int home = slot(hash(keys, j * words), until.length);
      // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
      boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      System.arraycopy(keys, j * words, keys, hole * words, words);
      until[hole] = until[j];
      tags[hole] = tags[j];
      filled |= hole == slot;
      hole = j;
    }
    until[hole] = 0;
    return filled;
  }

  /** The slot holding the id of words {@code k}, or -1. */
  private int find(long[] k) {
    for (int slot = slot(hash(k, 0), until.length); until[slot] != 0; slot = next(slot)) {
      if (java.util.Arrays.equals(keys, slot * words, slot * words + words, k, 0, words)) return slot;
    }
    return -1;
  }

  /** The slot where a search for {@code id} starts (tests place ids with it). */
  synchronized int home(ByteString id) {
    return slot(hash(words(id), 0), until.length);
  }

  /**
   * The id as big-endian words, once per call rather than once per slot compared, in buffers this object reuses
   * (every caller holds its lock): a party asks about an id for every message it takes, and buffer views and a new
   * array per question were a few per cent of what a one-element session allocates.
   */
  private long[] words(ByteString id) {
    if (id.size() != 8 * words) throw new IllegalArgumentException("an id here has " + 8 * words + " bytes, got " + id.size());
    id.copyTo(idBytes, 0);
    for (int w = 0; w < words; w++) idWords[w] = (long) BIG_ENDIAN.get(idBytes, 8 * w);
    return idWords;
  }

  private static final java.lang.invoke.VarHandle BIG_ENDIAN =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** The hash of the id whose words start at {@code k[at]}: every key word mixed in after the seed. */
  private long hash(long[] k, int at) {
    long h = seed;
    for (int w = 0; w < words; w++) h = mix(h ^ k[at + w]);
    return h;
  }

  private static int slot(long hash, int capacity) {
    return (int) (hash & (capacity - 1));
  }

  private int next(int slot) {
    return (slot + 1) & (until.length - 1);
  }

  /** MurmurHash3's 64-bit finalizer: a bijection whose every output bit depends on every input bit. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ h >>> 33;
  }

  int capacity() {
    return until.length;
  }

  /**
   * Moves every entry to new arrays of {@code capacity} slots, all three made before any is used: an allocation that
   * fails leaves the table as it was, never keys of one size beside times of another (which would find nothing).
   */
  private void resize(int capacity) {
    long[] newKeys = new long[capacity * words], newUntil = new long[capacity];
    int[] newTags = new int[capacity];
    if (until != null) {
      for (int s = 0; s < until.length; s++) {
        if (until[s] == 0) continue;
        int slot = slot(hash(keys, s * words), capacity);
        while (newUntil[slot] != 0) slot = (slot + 1) & (capacity - 1);
        System.arraycopy(keys, s * words, newKeys, slot * words, words);
        newUntil[slot] = until[s];
        newTags[slot] = tags[s];
      }
    }
    keys = newKeys;
    until = newUntil;
    tags = newTags;
  }
}
