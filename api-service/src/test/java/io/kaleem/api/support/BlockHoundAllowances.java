package io.kaleem.api.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The calls BlockHound may see on a non-blocking thread in our tests, each with the reason it
 * cannot block. BlockHound itself is installed for every test of this module by {@code
 * blockhound-junit-platform} (a JUnit Platform listener, before the first test); this integration
 * is found through {@code META-INF/services}.
 */
public class BlockHoundAllowances implements BlockHoundIntegration {

  /** Applied after Reactor's and Netty's integrations, so the thread rule below narrows theirs. */
  @Override
  public int getPriority() {
    return Integer.MAX_VALUE;
  }

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // Every detection is printed with its stack before the error is thrown: code that swallows the
    // error (a driver callback, a Netty listener) would otherwise hide where the test broke.
    builder.blockingMethodCallback(
        method -> {
          BlockingOperationError error = new BlockingOperationError(method);
          System.err.println("BlockHound: " + error.getMessage() + " on " + Thread.currentThread());
          error.printStackTrace();
          throw error;
        });
    // The in-process MongoDB stand-in (mongo-java-server, tests and embedded `make run` only) is a
    // database server on Netty event loops: its threads take locks and do storage work by design,
    // as a real mongod does in its own process. Netty's integration marks every event loop
    // non-blocking; these are not ours to keep non-blocking. (A BlockingOperationError there is
    // swallowed by the server and the query never answers: tests then fail with pool timeouts.)
    builder.nonBlockingThreadPredicate(
        current -> current.and(thread -> !thread.getName().startsWith("mongo-server-")));
    // SecureRandom (UUID.randomUUID for request ids, ES256 signatures, refresh tokens) reads
    // /dev/urandom through NativePRNG. On Linux urandom never waits for entropy once the kernel
    // pool is initialised at boot, so the read is a bounded copy from the kernel, not I/O that can
    // stall; seeding from /dev/random (generateSeed, which can wait) is a different method and
    // stays
    // detected.
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    // The MongoDB driver's asynchronous path (connection pool check-out queue, each connection's
    // pending-read state in its Netty transport) guards in-memory state with ReentrantLocks, taken
    // through com.mongodb.internal.Locks (NettyStream.readAsync takes its lock directly). Under
    // them the driver updates fields and queues; it never does I/O or waits for another thread's
    // I/O there (its async design hands all waiting to callbacks), so a contended lock is held for
    // microseconds. The park BlockHound sees under concurrent requests is that contention.
    for (String method :
        new String[] {
          "checkedWithLock",
          "checkedWithInterruptibleLock",
          "lockInterruptibly",
          "withInterruptibleLock"
        }) {
      builder.allowBlockingCallsInside("com.mongodb.internal.Locks", method);
    }
    builder.allowBlockingCallsInside(
        "com.mongodb.internal.connection.netty.NettyStream", "readAsync");
    // springdoc builds the OpenAPI document once per process, at the first GET /api/openapi, and
    // serves the cached document afterwards: the class-path scan it runs reads class files from
    // the application's own jars, the same local reads as class loading (which BlockHound allows
    // for the same reason). springdoc's pre-loading would move it off the event loop, but on a
    // non-daemon executor that outlives `make run`'s class-data-sharing training run.
    builder.allowBlockingCallsInside("org.springdoc.api.AbstractOpenApiResource", "getOpenApi");
    // Resilience4j's circuit breaker moves from OPEN to HALF_OPEN under a ReentrantLock, so that
    // only one of the callers arriving after the wait makes the transition: the lock covers an
    // in-memory state swap and the event it publishes (RedisGuard's listeners only log), never I/O.
    // Many requests reach an open circuit at once, so the lock is briefly contended.
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState",
        "toHalfOpenState");
    // Every call through the breaker records its outcome in the breaker's sliding window under a
    // ReentrantLock: an array slot and a few counters, never I/O. When Redis dies, many requests
    // fail through the breaker at once and meet on that lock.
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
    // Lettuce's SharedLock orders command writes against exclusive endpoint work (activation,
    // reconnect, close): writers take it for the in-memory hand-over of a command to the channel
    // and never hold it across I/O, so a writer on a Lettuce event loop waits for microseconds.
    // While Redis restarts, reconnects and writes meet on it. (A BlockingOperationError thrown
    // from inside it leaves the lock held and hangs every later close: it must not be detected.)
    for (String method : new String[] {"incrementWriters", "doExclusive", "lockWritersExclusive"}) {
      builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", method);
    }
    // Netty's adaptive buffer allocator takes a StampedLock when a magazine group grows (a new
    // connection's first buffers, e.g. Lettuce reconnecting): in-memory bookkeeping of the pool.
    builder.allowBlockingCallsInside(
        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    // Jackson builds a type's deserializer once, on its first use, under a ReentrantLock in its
    // DeserializerCache: reflection over a class already loaded, no I/O. Two concurrent first
    // requests with one body type (the strict JSON decoder reads on the event loop) meet there.
    builder.allowBlockingCallsInside(
        "tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
  }
}
