package io.kaleem.api.pagination;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import io.kaleem.crds.indexes.IndexCatalog;
import io.kaleem.crds.indexes.IndexKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one pagination mechanism every list uses: keyset on (sort field, {@code _id}), never skip.
 *
 * <p>A page asks for {@code limit + 1} rows past the cursor to learn whether more follow, and one
 * row the other way to learn whether any precede. Rows that exist for a whole walk are seen exactly
 * once however others are inserted or deleted meanwhile, because positions are values, not offsets.
 * A query shape no catalog index serves is refused before it reaches the database.
 */
@Component
public class KeysetPager {

  private final ReactiveMongoTemplate mongo;
  private final CursorCodec cursors;
  private final PaginationProperties properties;

  public KeysetPager(
      ReactiveMongoTemplate mongo, CursorCodec cursors, PaginationProperties properties) {
    this.mongo = mongo;
    this.cursors = cursors;
    this.properties = properties;
  }

  public <T> Mono<Page<T>> page(ListQuery<T> query, PageParams params) {
    return Mono.defer(() -> Mono.just(plan(query, params))).flatMap(this::execute);
  }

  private <T> Plan<T> plan(ListQuery<T> query, PageParams params) {
    if (params.after() != null && params.before() != null) {
      // One position per page: both cursors would silently page backward from 'before'.
      throw ApiException.invalidField("before", "cannot be combined with 'after': send one cursor");
    }
    int limit = limit(params.limit());
    SortSpec.Resolved sort = query.sorts().resolve(params.sort());
    requireServingIndex(query, sort);
    String fingerprint = fingerprint(query, sort);
    Position position =
        params.cursor() == null ? null : cursors.decode(params.cursor(), fingerprint);
    return new Plan<>(query, sort, limit, position, params.backward(), fingerprint);
  }

  private <T> Mono<Page<T>> execute(Plan<T> plan) {
    boolean forward = !plan.backward();
    Query fetch = plan.query(plan.position(), forward).limit(plan.limit() + 1);
    return mongo
        .find(fetch, Document.class, plan.list().collection())
        .collectList()
        .flatMap(
            rows -> {
              boolean more = rows.size() > plan.limit();
              List<Document> page = new ArrayList<>(more ? rows.subList(0, plan.limit()) : rows);
              if (!forward) {
                Collections.reverse(page);
              }
              Position first = page.isEmpty() ? plan.position() : position(page.get(0), plan);
              Position last =
                  page.isEmpty() ? plan.position() : position(page.get(page.size() - 1), plan);
              Mono<Boolean> otherWay =
                  forward ? exists(plan, first, false) : exists(plan, last, true);
              return otherWay.map(
                  other -> {
                    boolean hasNext = forward ? more : other;
                    boolean hasPrev = forward ? other : more;
                    PageInfo info =
                        new PageInfo(
                            plan.limit(),
                            hasNext,
                            hasPrev,
                            hasNext ? cursors.encode(plan.fingerprint(), last) : null,
                            hasPrev ? cursors.encode(plan.fingerprint(), first) : null);
                    List<T> data =
                        page.stream()
                            .map(d -> mongo.getConverter().read(plan.list().type(), d))
                            .toList();
                    return new Page<>(data, info);
                  });
            });
  }

  /** Whether any row lies beyond {@code from} in the given direction. */
  private Mono<Boolean> exists(Plan<?> plan, Position from, boolean forward) {
    if (from == null) {
      return Mono.just(false);
    }
    Query probe = plan.query(from, forward).limit(1);
    probe.fields().include("_id");
    return mongo.find(probe, Document.class, plan.list().collection()).hasElements();
  }

  private int limit(Integer requested) {
    if (requested == null) {
      return properties.defaultLimit();
    }
    if (requested < 1 || requested > properties.maxLimit()) {
      throw ApiException.invalidField(
          "limit", "must be between 1 and " + properties.maxLimit() + ", was " + requested);
    }
    return requested;
  }

  private static void requireServingIndex(ListQuery<?> query, SortSpec.Resolved sort) {
    Set<String> equality =
        query.filters().stream().map(Filter::field).collect(Collectors.toCollection(TreeSet::new));
    List<IndexKey> keys = sort.keys();
    if (IndexCatalog.serving(query.collection(), equality, keys).isEmpty()) {
      Set<String> clientFields = new TreeSet<>(equality);
      clientFields.remove("merchantId");
      throw new ApiException(
              ProblemType.UNSUPPORTED_QUERY,
              "Sorting by '"
                  + sort.canonical()
                  + "' is not supported together with the filters "
                  + clientFields
                  + "; use the default sort or fewer filters")
          .with("filters", clientFields)
          .with("sort", sort.canonical());
    }
  }

  /** The fingerprint cursors of this query and sort carry. */
  static String fingerprint(ListQuery<?> query, SortSpec.Resolved sort) {
    return CursorCodec.fingerprint(canonical(query, sort));
  }

  private static String canonical(ListQuery<?> query, SortSpec.Resolved sort) {
    return query.collection()
        + "|"
        + query.filters().stream().map(Filter::canonical).sorted().collect(Collectors.joining("&"))
        + "|"
        + sort.canonical();
  }

  private static Position position(Document row, Plan<?> plan) {
    return new Position(valueAt(row, plan.sort().field()), row.getObjectId("_id"));
  }

  private static Object valueAt(Document doc, String dottedPath) {
    Object current = doc;
    for (String part : dottedPath.split("\\.")) {
      if (!(current instanceof Document d)) {
        return null;
      }
      current = d.get(part);
    }
    return current;
  }

  private record Plan<T>(
      ListQuery<T> list,
      SortSpec.Resolved sort,
      int limit,
      Position position,
      boolean backward,
      String fingerprint) {

    /** Rows strictly beyond {@code from} walking {@code forward} (or backward) in sort order. */
    Query query(Position from, boolean forward) {
      List<Criteria> all = new ArrayList<>();
      list.filters().forEach(f -> all.add(f.toCriteria()));
      int walk = forward ? sort.direction() : -sort.direction();
      if (from != null) {
        all.add(beyond(sort.field(), from, walk));
      }
      Query q = new Query(all.isEmpty() ? new Criteria() : new Criteria().andOperator(all));
      Sort.Direction dir = walk > 0 ? Sort.Direction.ASC : Sort.Direction.DESC;
      q.with(Sort.by(dir, sort.field()).and(Sort.by(dir, "_id")));
      return q;
    }

    private static Criteria beyond(String field, Position from, int walk) {
      ObjectId id = from.id();
      Criteria sameValueLaterId =
          walk > 0
              ? Criteria.where(field).is(from.sortValue()).and("_id").gt(id)
              : Criteria.where(field).is(from.sortValue()).and("_id").lt(id);
      Criteria laterValue =
          walk > 0
              ? Criteria.where(field).gt(from.sortValue())
              : Criteria.where(field).lt(from.sortValue());
      return new Criteria().orOperator(laterValue, sameValueLaterId);
    }
  }
}
