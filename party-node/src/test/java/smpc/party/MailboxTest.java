package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a party buffers for its peers' messages is given back, exactly once, whatever the order of arrival and end. */
class MailboxTest {
  private static ByteString id(int i) {
    byte[] b = new byte[16];
    b[0] = (byte) i;
    b[1] = (byte) (i >> 8);
    return ByteString.copyFrom(b);
  }

  @Test
  void aMessageHalfHereWhenItsSessionEndsIsGivenBackAndItsCallEnded() {
    Mailbox box = new Mailbox(1 << 20);
    AtomicInteger dropped = new AtomicInteger();
    Mailbox.Arriving a = box.arriving(id(1), "bob", 1000, dropped::incrementAndGet);
    assertThat(box.bufferedBytes()).isEqualTo(1000 + Mailbox.OVERHEAD);
    box.end(id(1));
    assertThat(box.bufferedBytes()).isZero();
    assertThat(dropped).hasValue(1);
    // the rest of it comes all the same: refused, nothing counted twice
    assertThatThrownBy(() -> box.deliver(a, "bob", "t", ByteString.copyFrom(new byte[1000]))).hasMessageContaining("is over");
    assertThat(a.cancel()).isFalse();
    assertThat(box.bufferedBytes()).isZero();
    assertThat(box.slotCount()).isZero();
    assertThatThrownBy(() -> box.arriving(id(1), "bob", 10, () -> {})).hasMessageContaining("is over");
    assertThat(box.bufferedBytes()).isZero();
  }

  @Test
  void aCancelledMessageIsGivenBackOnceAndItsSessionsEndDoesNotCallIt() {
    Mailbox box = new Mailbox(1 << 20);
    AtomicInteger dropped = new AtomicInteger();
    Mailbox.Arriving a = box.arriving(id(2), "bob", 500, dropped::incrementAndGet);
    assertThat(a.cancel()).isTrue();
    assertThat(a.cancel()).isFalse();
    box.end(id(2));
    assertThat(box.bufferedBytes()).isZero();
    assertThat(dropped).hasValue(0);
  }

  /**
   * Peers file messages of many sessions while those sessions end, in seeded random order: once every session has
   * ended, nothing is counted as buffered and no slot is left (a message filed just as its session ended stayed for
   * two minutes, counted, before).
   */
  @Test
  void messagesFiledWhileTheirSessionsEndLeaveNothingBehind() throws Exception {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int round = 0; round < 20; round++) {
      Mailbox box = new Mailbox(1L << 30);
      int sessions = 50;
      List<Runnable> work = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        ByteString sid = id(s);
        for (int m = 0; m < 4; m++) {
          String tag = "m" + m;
          int size = 1 + rnd.nextInt(100);
          if (rnd.nextBoolean()) {
            work.add(() -> {
              try {
                Mailbox.Charge room = box.reserve(sid, "bob", size);
                box.deliver(room, sid, "bob", tag, ByteString.copyFrom(new byte[size]));
              } catch (RuntimeException refused) {
                // the session was over
              }
            });
          } else {
            work.add(() -> {
              try {
                Mailbox.Arriving a = box.arriving(sid, "carol", size, () -> {});
                box.deliver(a, "carol", tag, ByteString.copyFrom(new byte[size]));
              } catch (RuntimeException refused) {
                // the session was over
              }
            });
          }
        }
        work.add(() -> box.end(sid));
      }
      java.util.Collections.shuffle(work, rnd);
      int threads = 4;
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = t;
        Thread th = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = from; i < work.size(); i += threads) work.get(i).run();
        });
        th.start();
        ts.add(th);
      }
      go.countDown();
      for (Thread th : ts) th.join();
      assertThat(box.bufferedBytes()).as("bytes left counted (seed %d, round %d)", seed, round).isZero();
      assertThat(box.slotCount()).as("slots left (seed %d, round %d)", seed, round).isZero();
    }
  }

  /**
   * Messages start arriving for one session from several threads while others of that session give up theirs: every
   * one still arriving when the session ends is dropped with it (a registration could land in a set another thread
   * had just emptied and removed, out of the end's reach).
   */
  @Test
  void everyMessageStillArrivingIsDroppedAtItsSessionsEnd() throws Exception {
    long seed = new Random().nextLong();
    for (int round = 0; round < 200; round++) {
      Mailbox box = new Mailbox(1L << 30);
      ByteString sid = id(round);
      AtomicInteger dropped = new AtomicInteger(), pending = new AtomicInteger();
      List<Thread> ts = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < 4; t++) {
        Random rnd = new Random(seed + 31L * round + t);
        Thread th = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < 200; i++) {
            Mailbox.Arriving a = box.arriving(sid, "bob", 1, dropped::incrementAndGet);
            if (rnd.nextInt(4) == 0) pending.incrementAndGet();
            else a.cancel();
          }
        });
        th.start();
        ts.add(th);
      }
      go.countDown();
      for (Thread th : ts) th.join();
      box.end(sid);
      assertThat(dropped.get()).as("messages dropped at the end (seed %d, round %d)", seed, round).isEqualTo(pending.get());
      assertThat(box.bufferedBytes()).isZero();
    }
  }

  /**
   * A peer acting against this party: empty messages under made-up session ids cost their slots against the buffer,
   * and one sender holds at most half of it; the others' messages still come in.
   */
  @Test
  void oneSenderHoldsOnlyItsShareOfTheBuffer() {
    long max = 1 << 20;
    Mailbox box = new Mailbox(max);
    int fits = (int) (max / 2 / Mailbox.OVERHEAD);
    for (int i = 0; i < fits; i++) {
      box.deliver(box.reserve(id(i), "bob", 0), id(i), "bob", "t", ByteString.EMPTY);
    }
    assertThatThrownBy(() -> box.reserve(id(fits), "bob", 0)).hasMessageContaining("messages from bob fill half the party's message buffer");
    assertThatThrownBy(() -> box.arriving(id(fits), "bob", 1, () -> {})).hasMessageContaining("messages from bob fill half");
    assertThat(box.slotCount()).isEqualTo(fits);
    assertThat(box.bufferedBytes()).isEqualTo(max / 2);
    box.deliver(box.reserve(id(1), "carol", 1000), id(1), "carol", "t", ByteString.copyFrom(new byte[1000]));
    Mailbox.Arriving other = box.arriving(id(2), "carol", max / 4, () -> {});
    assertThatThrownBy(() -> box.arriving(id(2), "dave", max / 4, () -> {})).hasMessageContaining("party message buffer full");
    other.cancel();
    for (int i = 0; i < fits; i++) box.end(id(i));
    assertThat(box.bufferedBytes()).isZero();
    assertThat(box.slotCount()).isZero();
  }

  /** A message claimed large and never finished, for a session that never runs here, is dropped after the grace period. */
  @Test
  void aMessageNeverFinishedForASessionNotRunningHereIsDroppedBySweep() {
    Mailbox box = new Mailbox(1 << 20);
    AtomicInteger dropped = new AtomicInteger();
    box.arriving(id(7), "bob", 200_000, dropped::incrementAndGet);
    Mailbox.Arriving running = box.arriving(id(8), "bob", 1000, dropped::incrementAndGet);
    long now = System.currentTimeMillis();
    box.sweep(id(8)::equals, now);
    assertThat(dropped).as("within the grace period").hasValue(0);
    box.sweep(id(8)::equals, now + Mailbox.ORPHAN_MS + 1000);
    assertThat(dropped).hasValue(1);
    assertThat(box.bufferedBytes()).isEqualTo(1000 + Mailbox.OVERHEAD);
    assertThat(running.cancel()).isTrue();
    assertThat(box.bufferedBytes()).isZero();
  }
}
