package io.kaleem.operator.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock only the test moves; the operator and every simulated controller read it. */
public final class SimClock extends UtcClock {

  private final AtomicReference<Instant> now;

  public SimClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public void advance(Duration d) {
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /**
   * A view of this clock for the operator that counts its reads. The operator reads its clock once,
   * first thing in every reconcile, so a read after a simulated step marks a reconcile that began
   * after it: the simulation waits for that reconcile instead of for wall time.
   */
  public Counting counting() {
    return new Counting(this);
  }

  /** See {@link #counting()}. */
  public static final class Counting extends UtcClock {
    private final SimClock sim;
    private final java.util.concurrent.atomic.AtomicLong reads =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastReadNanos = System.nanoTime();

    private Counting(SimClock sim) {
      this.sim = sim;
    }

    public long reads() {
      return reads.get();
    }

    /** Wall time ({@link System#nanoTime()}) of the last read. */
    public long lastReadNanos() {
      return lastReadNanos;
    }

    @Override
    public Instant instant() {
      lastReadNanos = System.nanoTime();
      reads.incrementAndGet();
      return sim.instant();
    }
  }
}
