package io.kaleem.operator.indexes;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import io.kaleem.crds.indexes.IndexDefinition;
import io.kaleem.crds.indexes.IndexKey;
import io.kaleem.crds.v1alpha1.KaleemTenantSpec.UnmanagedIndexPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a tenant database's indexes to the desired set without ever blocking a reconcile: a sync
 * runs as a job on its own threads; {@link #poll} starts one when due and otherwise reports the
 * running job's progress or the last outcome. A failed sync (database unreachable) is retried with
 * exponential back-off. The end of every job is announced ({@link #onSyncEnded}), so nobody polls a
 * running one.
 *
 * <p>Safety rules (each one is a way a careless sync loses an index or data):
 *
 * <ul>
 *   <li><b>create, then drop</b>: a changed index is built under a new name before the old one is
 *       dropped, so queries are never without it; the new one is then the managed index (found by
 *       its definition, whatever its name);
 *   <li><b>unique and TTL indexes are never rebuilt on their own</b>: a unique index dropped while
 *       writes go on can let duplicates in and then never be built again; a changed TTL deletes
 *       data. Their drift is reported until the annotation {@value #REBUILD_ANNOTATION} names them;
 *   <li><b>views are skipped</b> (they have no indexes); <b>an equivalent index</b> (same keys and
 *       options) under another name is adopted instead of built twice;
 *   <li><b>errors are per index</b>: one refused index does not make the database "unreachable";
 *   <li><b>ownership</b>: the database holds a marker with the tenant's UID ({@value
 *       #MARKER_COLLECTION}); nothing is dropped (index or database) unless it names this tenant;
 *   <li><b>load</b>: jobs of tenants synced before start after a random delay and run at most
 *       {@value #PER_HOST} at a time per MongoDB host; Mongo clients idle for {@link #CLIENT_IDLE}
 *       are closed.
 * </ul>
 */
public class IndexSyncService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IndexSyncService.class);

  public enum State {
    SYNCED,
    RUNNING,
    FAILED
  }

  /** What the reconciler asks for. {@code base*} seed the cumulative counters from status. */
  public record Request(
      String tenant,
      String uri,
      String database,
      String ownerUid,
      java.util.Set<String> confirmedRebuilds,
      List<IndexDefinition> desired,
      UnmanagedIndexPolicy policy,
      int baseCreated,
      int baseRebuilt,
      int baseDropped,
      boolean spread) {

    String fingerprint() {
      return uri.hashCode()
          + "|"
          + database
          + "|"
          + policy
          + "|"
          + desired.hashCode()
          + "|"
          + new TreeSet<>(confirmedRebuilds);
    }
  }

  /**
   * What the reconciler reports. Counts are cumulative for created/rebuilt/dropped and current for
   * managed/unmanaged.
   */
  public record Report(
      State state,
      int managed,
      int created,
      int rebuilt,
      int unmanaged,
      int dropped,
      List<String> unmanagedNames,
      String message,
      Duration retryAfter,
      List<Problem> problems,
      List<String> notes) {}

  /**
   * One index the sync could not bring in line, with its own reason: {@code IndexDrift} (unique or
   * TTL index differs; confirm a rebuild with the annotation), {@code IndexConflict} (MongoDB
   * refused it next to an existing index), {@code IndexBuildFailed}, {@code NotOwner} (the
   * database's marker names another tenant: nothing is dropped).
   */
  public record Problem(String index, String reason, String message) {}

  private record Outcome(
      int created,
      int rebuilt,
      int dropped,
      int managed,
      List<String> unmanaged,
      List<Problem> problems,
      List<String> notes) {}

  /**
   * Annotation naming {@code collection.index} entries (or {@code *}) whose rebuild is confirmed.
   */
  public static final String REBUILD_ANNOTATION = "kaleem.io/rebuild-indexes";

  /** Collection of the ownership marker ({@code {_id: "owner", tenantUid, tenant}}). */
  public static final String MARKER_COLLECTION = "kaleem_operator";

  /** Concurrent syncs per MongoDB host. */
  public static final int PER_HOST = 2;

  /** A Mongo client unused this long is closed (a fleet must not hold one pool per tenant). */
  public static final Duration CLIENT_IDLE = Duration.ofMinutes(2);

  private static final class TenantState {
    Future<Outcome> running;
    String runningFingerprint;
    final AtomicInteger progress = new AtomicInteger();
    int total;
    Outcome last;
    String lastFingerprint;
    Instant lastSyncAt = Instant.MIN;
    String lastError;
    int failures;
    Instant nextAttempt = Instant.MIN;
    int created;
    int rebuilt;
    int dropped;
  }

  private final Map<String, TenantState> states = new ConcurrentHashMap<>();
  private volatile java.util.function.Consumer<String> onEnded = k -> {};
  private volatile java.util.function.BiConsumer<Boolean, Duration> onDuration = (ok, d) -> {};
  private final Map<String, MongoClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Instant> clientUsed = new ConcurrentHashMap<>();
  private final Map<String, ExecutorService> perHost = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService timer;
  private final Duration resync;
  private final Duration timeout;
  private final Duration backoffBase;
  private final Duration backoffMax;

  public IndexSyncService(
      Duration resync, Duration timeout, Duration backoffBase, Duration backoffMax) {
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "index-sync-timer");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::closeIdleClients, 30, 30, TimeUnit.SECONDS);
    this.resync = resync;
    this.timeout = timeout;
    this.backoffBase = backoffBase;
    this.backoffMax = backoffMax;
  }

  public Report poll(Request r) {
    TenantState s =
        states.computeIfAbsent(
            r.tenant(),
            k -> {
              TenantState n = new TenantState();
              n.created = r.baseCreated();
              n.rebuilt = r.baseRebuilt();
              n.dropped = r.baseDropped();
              return n;
            });
    synchronized (s) {
      Instant now = Instant.now();
      if (s.running != null && !s.running.isDone()) {
        return running(s, "index sync in progress: " + s.progress.get() + "/" + s.total);
      }
      if (s.running != null) {
        collect(s, now);
      }
      String fp = r.fingerprint();
      boolean changed = !fp.equals(s.lastFingerprint);
      if (s.lastError != null && now.isBefore(s.nextAttempt)) {
        return new Report(
            State.FAILED,
            0,
            s.created,
            s.rebuilt,
            0,
            s.dropped,
            List.of(),
            s.lastError,
            Duration.between(now, s.nextAttempt),
            List.of(),
            List.of());
      }
      boolean due = s.last == null || changed || !now.isBefore(s.lastSyncAt.plus(resync));
      if (s.lastError != null || due) {
        start(s, r, fp);
        return running(s, "index sync started: 0/" + s.total);
      }
      return synced(s, Duration.between(now, s.lastSyncAt.plus(resync)));
    }
  }

  /**
   * Drops a tenant database (deletionPolicy Delete), only when its ownership marker names this
   * tenant. Blocks for at most the Mongo timeout.
   *
   * @throws IllegalStateException the marker is missing or names another tenant
   */
  public void dropDatabase(String uri, String database, String ownerUid) {
    MongoDatabase db = client(uri).getDatabase(database);
    String owner = owner(db);
    if (!ownerUid.equals(owner)) {
      throw new IllegalStateException(
          "database "
              + database
              + (owner == null
                  ? " has no ownership marker"
                  : " belongs to another tenant (marker " + owner + ")")
              + "; not dropped");
    }
    db.drop();
  }

  private static String owner(MongoDatabase db) {
    Document m = db.getCollection(MARKER_COLLECTION).find(new Document("_id", "owner")).first();
    return m == null ? null : m.getString("tenantUid");
  }

  /** Claims an unclaimed database; the owner's UID after the claim. */
  private static String claim(MongoDatabase db, Request r) {
    String owner = owner(db);
    if (owner != null) {
      return owner;
    }
    try {
      db.getCollection(MARKER_COLLECTION)
          .insertOne(
              new Document("_id", "owner")
                  .append("tenantUid", r.ownerUid())
                  .append("tenant", r.tenant())
                  .append("claimedAt", java.util.Date.from(Instant.now())));
      return r.ownerUid();
    } catch (com.mongodb.MongoWriteException e) {
      return owner(db); // another writer claimed it first
    }
  }

  /** Called with each job's result (synced or not) and duration (the operator's metrics). */
  public void onSyncDuration(java.util.function.BiConsumer<Boolean, Duration> listener) {
    this.onDuration = listener;
  }

  /** Called with the tenant key whenever a sync job ends (successfully or not). */
  public void onSyncEnded(java.util.function.Consumer<String> listener) {
    this.onEnded = listener;
  }

  public void forget(String tenant) {
    TenantState s = states.remove(tenant);
    if (s != null && s.running != null) {
      s.running.cancel(true);
    }
  }

  private Report running(TenantState s, String message) {
    return new Report(
        State.RUNNING,
        s.last == null ? 0 : s.last.managed(),
        s.created,
        s.rebuilt,
        s.last == null ? 0 : s.last.unmanaged().size(),
        s.dropped,
        s.last == null ? List.of() : s.last.unmanaged(),
        message,
        // No poll: the job's end triggers the next reconcile (onSyncEnded).
        Duration.ZERO,
        s.last == null ? List.of() : s.last.problems(),
        s.last == null ? List.of() : s.last.notes());
  }

  private Report synced(TenantState s, Duration next) {
    Outcome o = s.last;
    return new Report(
        State.SYNCED,
        o.managed(),
        s.created,
        s.rebuilt,
        o.unmanaged().size(),
        s.dropped,
        o.unmanaged(),
        o.managed() + " indexes in place",
        next,
        o.problems(),
        o.notes());
  }

  private void collect(TenantState s, Instant now) {
    try {
      Outcome o = s.running.get();
      s.last = o;
      s.lastFingerprint = s.runningFingerprint;
      s.lastSyncAt = now;
      s.lastError = null;
      s.failures = 0;
      s.created += o.created();
      s.rebuilt += o.rebuilt();
      s.dropped += o.dropped();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      s.failures++;
      long delay =
          Math.min(
              backoffMax.toMillis(), backoffBase.toMillis() * (1L << Math.min(20, s.failures - 1)));
      s.nextAttempt = now.plusMillis(delay);
      s.lastError =
          cause.getClass().getSimpleName()
              + ": "
              + Objects.toString(cause.getMessage(), "")
              + " (attempt "
              + s.failures
              + ", next in "
              + delay / 1000.0
              + "s)";
      log.warn("index sync failed: {}", s.lastError);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.CancellationException e) {
      s.lastError = "index sync cancelled";
    }
    s.running = null;
  }

  /**
   * Starts a job after a random delay (a restart must not start a fleet's syncs in the same
   * second), on the pool of its MongoDB host ({@value #PER_HOST} at a time). Its end is announced.
   */
  private void start(TenantState s, Request r, String fp) {
    s.progress.set(0);
    s.total = r.desired().size();
    s.runningFingerprint = fp;
    java.util.concurrent.CompletableFuture<Outcome> job =
        new java.util.concurrent.CompletableFuture<>();
    s.running = job;
    // A tenant whose indexes were synced before (its status says so) waits a random delay: after a
    // restart that is the whole fleet. A new tenant's first sync starts at once.
    long jitter =
        r.spread()
            ? java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(Math.max(1, Math.min(resync.toMillis() / 10, 10_000)))
            : 0;
    ExecutorService pool = hostPool(r.uri());
    timer.schedule(
        () ->
            pool.execute(
                () -> {
                  long t0 = System.nanoTime();
                  boolean ok = false;
                  try {
                    job.complete(sync(r, s.progress));
                    ok = true;
                  } catch (Throwable e) {
                    job.completeExceptionally(e);
                  } finally {
                    onDuration.accept(ok, Duration.ofNanos(System.nanoTime() - t0));
                    onEnded.accept(r.tenant());
                  }
                }),
        jitter,
        TimeUnit.MILLISECONDS);
  }

  private ExecutorService hostPool(String uri) {
    String hosts;
    try {
      hosts = String.join(",", new ConnectionString(uri).getHosts());
    } catch (IllegalArgumentException e) {
      hosts = "?";
    }
    return perHost.computeIfAbsent(
        hosts,
        h -> {
          java.util.concurrent.ThreadPoolExecutor p =
              new java.util.concurrent.ThreadPoolExecutor(
                  PER_HOST,
                  PER_HOST,
                  30,
                  TimeUnit.SECONDS,
                  new java.util.concurrent.LinkedBlockingQueue<>(),
                  r -> {
                    Thread t = new Thread(r, "index-sync-" + h);
                    t.setDaemon(true);
                    return t;
                  });
          p.allowCoreThreadTimeOut(true);
          return p;
        });
  }

  private void closeIdleClients() {
    Instant cutoff = Instant.now().minus(CLIENT_IDLE);
    clientUsed.forEach(
        (uri, used) -> {
          boolean busy =
              states.values().stream().anyMatch(st -> st.running != null && !st.running.isDone());
          if (used.isBefore(cutoff) && !busy) {
            MongoClient c = clients.remove(uri);
            clientUsed.remove(uri);
            if (c != null) {
              c.close();
            }
          }
        });
  }

  /** Open Mongo clients (for the fleet benchmark and tests). */
  public int openClients() {
    return clients.size();
  }

  private MongoClient client(String uri) {
    clientUsed.put(uri, Instant.now());
    return clients.computeIfAbsent(
        uri,
        u ->
            MongoClients.create(
                MongoClientSettings.builder()
                    .applyConnectionString(new ConnectionString(u))
                    .applyToClusterSettings(
                        b -> b.serverSelectionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .applyToSocketSettings(
                        b -> b.connectTimeout((int) timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .applicationName("kaleem-operator")
                    .build()));
  }

  private Outcome sync(Request r, AtomicInteger progress) {
    MongoDatabase db = client(r.uri()).getDatabase(r.database());
    db.runCommand(new Document("ping", 1));
    String owner = claim(db, r);
    boolean mayDrop = r.ownerUid().equals(owner);
    Map<String, List<IndexDefinition>> byCollection = new LinkedHashMap<>();
    r.desired()
        .forEach(d -> byCollection.computeIfAbsent(d.collection(), k -> new ArrayList<>()).add(d));
    List<String> notes = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    if (!mayDrop) {
      problems.add(
          new Problem(
              r.database(),
              "NotOwner",
              "database "
                  + r.database()
                  + " is marked as owned by tenant UID "
                  + owner
                  + "; indexes are created but nothing is dropped or rebuilt"));
    }
    CollectionsToSync found = CollectionsToSync.of(byCollection.keySet(), db.listCollections());
    for (String view : found.views()) {
      notes.add("view " + view + " skipped");
      // its catalogued indexes are done with: not built on a view
      progress.addAndGet(byCollection.getOrDefault(view, List.of()).size());
    }
    int created = 0;
    int rebuilt = 0;
    int dropped = 0;
    List<String> unmanaged = new ArrayList<>();
    for (String coll : found.names()) {
      var collection = db.getCollection(coll);
      Map<String, Document> existing = new LinkedHashMap<>();
      for (Document d : collection.listIndexes()) {
        existing.put(d.getString("name"), d);
      }
      for (IndexDefinition def : byCollection.getOrDefault(coll, List.of())) {
        String id = coll + "." + def.name();
        try {
          Document have = existing.remove(def.name());
          String equivalent = equivalent(existing, def);
          if (have != null && matches(have, def)) {
            progress.incrementAndGet();
          } else if (equivalent != null) {
            // Same keys and options under another name (a rebuild's new name, or built by hand):
            // it is the managed index; building ours would only duplicate it.
            existing.remove(equivalent);
            if (have != null) {
              // The old definition under our name is superseded by the equivalent one.
              if (mayDrop && !guarded(have, def)) {
                collection.dropIndex(def.name());
                dropped++;
              } else {
                unmanaged.add(coll + "." + def.name());
              }
            }
            notes.add(id + " is served by the equivalent index " + coll + "." + equivalent);
            progress.incrementAndGet();
          } else if (have == null) {
            collection.createIndexes(List.of(model(def, def.name())));
            created++;
            progress.incrementAndGet();
          } else if (guarded(have, def) && !confirmed(r, id)) {
            problems.add(
                new Problem(
                    id,
                    "IndexDrift",
                    id
                        + " differs from its definition and is unique or TTL: not rebuilt"
                        + " automatically (annotate the tenant "
                        + REBUILD_ANNOTATION
                        + "="
                        + id
                        + " to rebuild it)"));
            progress.incrementAndGet();
          } else if (!mayDrop) {
            progress.incrementAndGet();
          } else {
            rebuild(collection, have, def);
            rebuilt++;
            progress.incrementAndGet();
          }
        } catch (com.mongodb.MongoCommandException | com.mongodb.MongoWriteException e) {
          int code = e instanceof com.mongodb.MongoCommandException ce ? ce.getErrorCode() : 0;
          problems.add(
              new Problem(
                  id,
                  code == 85 || code == 86 ? "IndexConflict" : "IndexBuildFailed",
                  id + ": " + bounded(e.getMessage())));
          progress.incrementAndGet();
        }
      }
      existing.remove("_id_");
      for (String name : existing.keySet()) {
        if (r.policy() == UnmanagedIndexPolicy.Drop && mayDrop) {
          log.info("dropping unmanaged index {}.{}", coll, name);
          try {
            collection.dropIndex(name);
            dropped++;
          } catch (com.mongodb.MongoCommandException e) {
            problems.add(
                new Problem(
                    coll + "." + name,
                    "IndexDropFailed",
                    coll + "." + name + ": " + bounded(e.getMessage())));
          }
        } else {
          unmanaged.add(coll + "." + name);
        }
      }
    }
    return new Outcome(
        created,
        rebuilt,
        dropped,
        r.desired().size(),
        List.copyOf(unmanaged),
        List.copyOf(problems),
        List.copyOf(notes));
  }

  /**
   * Create, then drop: the new definition is built under a new name while the old index keeps
   * serving, and only then is the old one dropped. Where MongoDB refuses the two side by side (same
   * keys, options it does not tell apart) the old one stays and the conflict is reported.
   */
  private static void rebuild(
      com.mongodb.client.MongoCollection<Document> collection, Document have, IndexDefinition def) {
    String next = def.name() + "_" + Integer.toHexString(def.hashCode() & 0xfffff);
    log.info(
        "index {}.{} differs from its definition: building {} before dropping it",
        collection.getNamespace().getCollectionName(),
        def.name(),
        next);
    collection.createIndexes(List.of(model(def, next)));
    collection.dropIndex(def.name());
  }

  /** Unique and TTL indexes: rebuilding them on our own can admit duplicates or delete data. */
  private static boolean guarded(Document have, IndexDefinition def) {
    return def.unique()
        || def.expireAfterSeconds() != null
        || have.getBoolean("unique", false)
        || have.get("expireAfterSeconds") != null;
  }

  private static boolean confirmed(Request r, String id) {
    return r.confirmedRebuilds().contains(id) || r.confirmedRebuilds().contains("*");
  }

  /** The name of an existing index with the definition's keys and options, or null. */
  private static String equivalent(Map<String, Document> existing, IndexDefinition def) {
    for (Map.Entry<String, Document> e : existing.entrySet()) {
      if (!"_id_".equals(e.getKey()) && matches(e.getValue(), def)) {
        return e.getKey();
      }
    }
    return null;
  }

  private static String bounded(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  static boolean matches(Document have, IndexDefinition def) {
    Document key = have.get("key", Document.class);
    if (key == null || key.size() != def.keys().size()) {
      return false;
    }
    int i = 0;
    for (Map.Entry<String, Object> e : key.entrySet()) {
      IndexKey k = def.keys().get(i++);
      if (!k.field().equals(e.getKey())
          || !(e.getValue() instanceof Number n)
          || n.intValue() != k.direction()) {
        return false;
      }
    }
    if (have.getBoolean("unique", false) != def.unique()) {
      return false;
    }
    Document partial = have.get("partialFilterExpression", Document.class);
    String wantPartial = def.partialFilter();
    if ((partial == null) != (wantPartial == null)
        || (partial != null && !partial.equals(Document.parse(wantPartial)))) {
      return false;
    }
    Document collation = have.get("collation", Document.class);
    String locale = collation == null ? null : collation.getString("locale");
    Long expiry =
        have.get("expireAfterSeconds") instanceof Number n ? Long.valueOf(n.longValue()) : null;
    return Objects.equals(locale, def.collationLocale())
        && Objects.equals(expiry, def.expireAfterSeconds());
  }

  private static IndexModel model(IndexDefinition def, String name) {
    Document keys = new Document();
    def.keys().forEach(k -> keys.append(k.field(), k.direction()));
    IndexOptions o = new IndexOptions().name(name).unique(def.unique());
    if (def.partialFilter() != null) {
      o.partialFilterExpression(Document.parse(def.partialFilter()));
    }
    if (def.collationLocale() != null) {
      o.collation(Collation.builder().locale(def.collationLocale()).build());
    }
    if (def.expireAfterSeconds() != null) {
      o.expireAfter(def.expireAfterSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }
    return new IndexModel(keys, o);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    perHost.values().forEach(ExecutorService::shutdownNow);
    clients.values().forEach(MongoClient::close);
    clients.clear();
  }
}
