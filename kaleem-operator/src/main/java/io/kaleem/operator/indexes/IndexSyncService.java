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
 * running job's progress or the last outcome. A failed sync (database unreachable, refused command)
 * is retried with exponential back-off.
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
      List<IndexDefinition> desired,
      UnmanagedIndexPolicy policy,
      int baseCreated,
      int baseRebuilt,
      int baseDropped) {

    String fingerprint() {
      return uri.hashCode() + "|" + database + "|" + policy + "|" + desired.hashCode();
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
      Duration retryAfter) {}

  private record Outcome(
      int created, int rebuilt, int dropped, int managed, List<String> unmanaged) {}

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
  private final Map<String, MongoClient> clients = new ConcurrentHashMap<>();
  private final ExecutorService jobs;
  private final Duration resync;
  private final Duration timeout;
  private final Duration backoffBase;
  private final Duration backoffMax;

  public IndexSyncService(
      int threads, Duration resync, Duration timeout, Duration backoffBase, Duration backoffMax) {
    AtomicInteger n = new AtomicInteger();
    this.jobs =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "index-sync-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
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
            Duration.between(now, s.nextAttempt));
      }
      boolean due = s.last == null || changed || !now.isBefore(s.lastSyncAt.plus(resync));
      if (s.lastError != null || due) {
        start(s, r, fp);
        return running(s, "index sync started: 0/" + s.total);
      }
      return synced(s, Duration.between(now, s.lastSyncAt.plus(resync)));
    }
  }

  /** Drops a tenant database (deletionPolicy Delete). Blocks for at most the Mongo timeout. */
  public void dropDatabase(String uri, String database) {
    client(uri).getDatabase(database).drop();
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
        Duration.ofSeconds(1));
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
        next);
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

  private void start(TenantState s, Request r, String fp) {
    s.progress.set(0);
    s.total = r.desired().size();
    s.runningFingerprint = fp;
    s.running =
        jobs.submit(
            () -> {
              try {
                return sync(r, s.progress);
              } finally {
                onEnded.accept(r.tenant());
              }
            });
  }

  private MongoClient client(String uri) {
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
    Map<String, List<IndexDefinition>> byCollection = new LinkedHashMap<>();
    r.desired()
        .forEach(d -> byCollection.computeIfAbsent(d.collection(), k -> new ArrayList<>()).add(d));
    TreeSet<String> collections = new TreeSet<>(byCollection.keySet());
    db.listCollectionNames().forEach(collections::add);
    int created = 0;
    int rebuilt = 0;
    int dropped = 0;
    List<String> unmanaged = new ArrayList<>();
    for (String coll : collections) {
      var collection = db.getCollection(coll);
      Map<String, Document> existing = new LinkedHashMap<>();
      for (Document d : collection.listIndexes()) {
        existing.put(d.getString("name"), d);
      }
      List<IndexModel> toCreate = new ArrayList<>();
      for (IndexDefinition def : byCollection.getOrDefault(coll, List.of())) {
        Document have = existing.remove(def.name());
        if (have == null) {
          toCreate.add(model(def));
          created++;
        } else if (!matches(have, def)) {
          log.info("index {}.{} differs from its definition: rebuilding", coll, def.name());
          collection.dropIndex(def.name());
          toCreate.add(model(def));
          rebuilt++;
        } else {
          progress.incrementAndGet();
        }
      }
      if (!toCreate.isEmpty()) {
        collection.createIndexes(toCreate);
        progress.addAndGet(toCreate.size());
      }
      existing.remove("_id_");
      for (String name : existing.keySet()) {
        if (r.policy() == UnmanagedIndexPolicy.Drop) {
          log.info("dropping unmanaged index {}.{}", coll, name);
          collection.dropIndex(name);
          dropped++;
        } else {
          unmanaged.add(coll + "." + name);
        }
      }
    }
    return new Outcome(created, rebuilt, dropped, r.desired().size(), List.copyOf(unmanaged));
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

  private static IndexModel model(IndexDefinition def) {
    Document keys = new Document();
    def.keys().forEach(k -> keys.append(k.field(), k.direction()));
    IndexOptions o = new IndexOptions().name(def.name()).unique(def.unique());
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
    jobs.shutdownNow();
    clients.values().forEach(MongoClient::close);
    clients.clear();
  }
}
