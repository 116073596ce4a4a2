package smpc.dealer;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The dealer's compute work (corrections made chunk by chunk, alignments' PRFs), each designated party's in a lane of
 * its own on one shared pool: a lane runs at most {@link #PER_PARTY} of its tasks at once and queues the rest in
 * order. One pool for all let a party that asked for many large products or never-read downloads take every thread,
 * so the others' sessions waited behind it (36 s for a 3-party eval under eight 2048^3 matrix requests). The lanes
 * are the designated parties' names, authenticated by their certificates: one per party that ever asked.
 */
final class PartyLanes {
  static final int PER_PARTY = 2;

  private final Executor pool;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  PartyLanes(Executor pool) {
    this.pool = pool;
  }

  Executor of(String party) {
    return lanes.computeIfAbsent(party, p -> new Lane());
  }

  private final class Lane implements Executor {
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
    private int running;

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        if (running >= PER_PARTY) {
          queued.add(task);
          return;
        }
        running++;
      }
      pool.execute(() -> run(task));
    }

    /** Runs a task, then the lane's next one on the same place, or gives the place up. */
    private void run(Runnable task) {
      try {
        task.run();
      } finally {
        Runnable next;
        synchronized (this) {
          next = queued.poll();
          if (next == null) running--;
        }
        if (next != null) pool.execute(() -> run(next)); // through the pool: the others' tasks waiting there go first
      }
    }
  }
}
