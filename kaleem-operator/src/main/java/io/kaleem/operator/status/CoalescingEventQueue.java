package io.kaleem.operator.status;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Events waiting to be sent, at most one per (object, type, reason): an occurrence whose key is
 * already pending bumps that entry's count and replaces its message in place, as client-go's event
 * aggregator folds similar events into one. The queue is therefore bounded by the number of
 * distinct keys (tenants × reasons), not by how fast a burst produces occurrences, and {@link
 * #offer} never waits for the API server. Entries leave in the order their key first became
 * pending, except that an object over its {@link ObjectRateLimit} is passed over (it keeps
 * coalescing) until it has a token again.
 */
final class CoalescingEventQueue {

  /** Client-go's marker for an Event that stands for several similar ones. */
  static final String COMBINED = "(combined from similar events): ";

  record Key(String uid, String type, String reason) {}

  /** One pending Event: what has happened under its key since the last one was sent. */
  static final class Pending {
    final Key key;
    final ObjectReference object;
    final String firstTimestamp;
    String lastTimestamp;
    String message;
    boolean combined;
    int count;

    /** {@link System#nanoTime()} before which the object's rate limit holds this entry back. */
    long notBefore;

    Pending(Key key, ObjectReference object, String message, String timestamp) {
      this.key = key;
      this.object = object;
      this.message = message;
      this.firstTimestamp = timestamp;
      this.lastTimestamp = timestamp;
      this.count = 1;
    }

    /** The message to send: the latest one, marked when it stands for differing ones too. */
    String sentMessage() {
      return combined ? COMBINED + message : message;
    }
  }

  private final int maxKeys;
  private final ObjectRateLimit rateLimit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** Insertion order is send order; a deferred entry is moved to the end. */
  private final Map<Key, Pending> pending = new LinkedHashMap<>();

  /** Entries taken and not yet {@link #done}: still Events to come for whoever waits on size. */
  private int inFlight;

  private boolean closed;

  CoalescingEventQueue(int maxKeys, ObjectRateLimit rateLimit) {
    this.maxKeys = maxKeys;
    this.rateLimit = rateLimit;
  }

  /**
   * Adds one occurrence. Returns false only when its key is new and {@code maxKeys} keys are
   * already pending (the caller counts it as dropped).
   */
  boolean offer(Key key, ObjectReference object, String message, String timestamp) {
    lock.lock();
    try {
      Pending p = pending.get(key);
      if (p != null) {
        p.count++;
        p.lastTimestamp = timestamp;
        if (!p.message.equals(message)) {
          p.combined = true;
          p.message = message;
        }
        return true;
      }
      if (pending.size() >= maxKeys) {
        return false;
      }
      pending.put(key, new Pending(key, object, message, timestamp));
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes and returns the first entry whose object may send now, waiting up to {@code maxWait}
   * for one (after {@link #close}, not at all); null if none is ready. Occurrences offered after
   * this returns start a new entry. Each entry returned counts in {@link #size} until {@link
   * #done}.
   */
  Pending take(long maxWait, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(maxWait);
    lock.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        long nextReady = Long.MAX_VALUE;
        Pending deferred = null;
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
          Pending p = it.next();
          if (p.notBefore > now) {
            nextReady = Math.min(nextReady, p.notBefore);
            continue;
          }
          long wait = rateLimit.tryTake(p.key.uid(), now);
          if (wait == 0) {
            it.remove();
            inFlight++;
            return p;
          }
          p.notBefore = wait;
          nextReady = Math.min(nextReady, wait);
          deferred = p;
          break;
        }
        if (deferred != null) {
          // to the end, so that the objects behind it go first; rescan from the start
          pending.remove(deferred.key);
          pending.put(deferred.key, deferred);
          continue;
        }
        long until = Math.min(deadline, nextReady);
        if (until - now <= 0 || closed) {
          if (deadline - now <= 0 || closed) {
            return null;
          }
          continue;
        }
        changed.awaitNanos(until - now);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The entry last taken has been sent (or given up). */
  void done() {
    lock.lock();
    try {
      inFlight--;
    } finally {
      lock.unlock();
    }
  }

  /** From now on {@link #take} does not wait: the sender drains what is ready and stops. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Entries pending or being sent. */
  int size() {
    lock.lock();
    try {
      return pending.size() + inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** Removes every entry and returns how many occurrences they held. */
  int clear() {
    lock.lock();
    try {
      int n = pending.values().stream().mapToInt(p -> p.count).sum();
      pending.clear();
      return n;
    } finally {
      lock.unlock();
    }
  }
}
