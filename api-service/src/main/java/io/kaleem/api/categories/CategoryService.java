package io.kaleem.api.categories;

import io.kaleem.api.common.Ids;
import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.pagination.Filter;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.search.SearchText;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A merchant's category tree: create, move subtrees, list children, render the whole tree. */
@Service
public class CategoryService {

  static final SortSpec SORTS =
      SortSpec.of("-createdAt", SortOption.of("createdAt"), SortOption.of("sortOrder"));

  /** Largest tree the tree endpoint renders in one answer. */
  static final int MAX_TREE = 5_000;

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final MerchantScope merchants;
  private final CategoryTreeCache trees;
  private final Clock clock;
  private final TreeLock locks;

  public CategoryService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      MerchantScope merchants,
      CategoryTreeCache trees,
      Clock clock,
      TreeLock locks) {
    this.locks = locks;
    this.mongo = mongo;
    this.pager = pager;
    this.merchants = merchants;
    this.trees = trees;
    this.clock = clock;
  }

  public Mono<Category> create(String merchantId, CategoryRequests.Create req) {
    return merchants
        .requireOpen(merchantId)
        .flatMap(
            m ->
                trees.invalidating(
                    m,
                    parent(m, req.parentId())
                        .map(p -> newCategory(m, req, p.lineageForChildren(), p.depth() + 1, p))
                        .switchIfEmpty(
                            Mono.fromCallable(() -> newCategory(m, req, List.of(), 0, null)))
                        .flatMap(mongo::insert)))
        .onErrorMap(DuplicateKeyException.class, e -> slugTaken(req.slug()));
  }

  public Mono<Category> get(String merchantId, String categoryId) {
    return Mono.defer(() -> mongo.findOne(byId(merchantId, categoryId), Category.class))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("category", categoryId)));
  }

  public Mono<Page<Category>> list(String merchantId, CategoryListFilter f, PageParams page) {
    return merchants
        .require(merchantId)
        .flatMap(
            m -> {
              List<Filter> filters = new ArrayList<>();
              filters.add(Filter.eq("merchantId", m));
              PageParams effective = page;
              if (f.parentId() != null) {
                filters.add(
                    Filter.eq(
                        "parentId",
                        "root".equals(f.parentId())
                            ? null
                            : Ids.canonical(f.parentId(), "parentId")));
                if (page.sort() == null) {
                  effective =
                      new PageParams(page.limit(), page.after(), page.before(), "sortOrder");
                }
              }
              if (f.q() != null) {
                filters.add(Filter.search(f.q()));
              }
              return pager.page(
                  new ListQuery<>(Category.COLLECTION, Category.class, filters, SORTS), effective);
            });
  }

  /** The whole tree, roots first, each level in sort order. */
  public Mono<List<CategoryNode>> tree(String merchantId) {
    return merchants
        .require(merchantId)
        .flatMap(
            m ->
                trees.get(
                    m,
                    () -> {
                      Query q = new Query(Criteria.where("merchantId").is(m));
                      q.with(Sort.by("depth", "sortOrder", "_id")).limit(MAX_TREE);
                      return mongo.find(q, Category.class).collectList().map(CategoryNode::forest);
                    }));
  }

  public Mono<Category> update(String merchantId, String categoryId, CategoryRequests.Update req) {
    return merchants
        .requireOpen(merchantId)
        .then(get(merchantId, categoryId))
        .flatMap(
            current ->
                trees.invalidating(
                    current.merchantId(),
                    req.parentId() == null
                        ? apply(
                            current, req, current.ancestors(), current.depth(), current.parentId())
                        // Read again under the lock: the tree may have moved since.
                        : locks.holding(
                            current.merchantId(),
                            () -> get(merchantId, categoryId).flatMap(fresh -> move(fresh, req)))))
        .onErrorMap(DuplicateKeyException.class, e -> slugTaken(req.slug()));
  }

  /** Deletes a leaf category no product uses; anything else would orphan data, so it is a 409. */
  public Mono<Void> delete(String merchantId, String categoryId) {
    return merchants
        .requireOpen(merchantId)
        .then(get(merchantId, categoryId))
        .flatMap(
            c -> {
              String id = c.id().toHexString();
              Query children =
                  new Query(Criteria.where("merchantId").is(c.merchantId()).and("parentId").is(id));
              Query products =
                  new Query(
                      Criteria.where("merchantId").is(c.merchantId()).and("categoryId").is(id));
              return mongo
                  .exists(children, Category.class)
                  .zipWith(mongo.exists(products, Document.class, "products"))
                  .flatMap(
                      used -> {
                        if (used.getT1()) {
                          return Mono.error(
                              ApiException.conflict(
                                  "Category '" + id + "' has sub-categories; move or delete them"));
                        }
                        if (used.getT2()) {
                          return Mono.error(
                              ApiException.conflict(
                                  "Category '" + id + "' has products; move them first"));
                        }
                        return trees.invalidating(
                            c.merchantId(),
                            mongo.remove(byId(merchantId, categoryId), Category.class).then());
                      });
            });
  }

  private Mono<Category> move(Category current, CategoryRequests.Update req) {
    String id = current.id().toHexString();
    Mono<Category> newParent =
        "root".equals(req.parentId()) ? Mono.empty() : parent(current.merchantId(), req.parentId());
    return newParent
        .map(p -> new Lineage(p.lineageForChildren(), p.depth() + 1, p.id().toHexString()))
        .defaultIfEmpty(new Lineage(List.of(), 0, null))
        .flatMap(
            target -> {
              if (id.equals(target.parentId()) || target.ancestors().contains(id)) {
                return Mono.error(
                    ApiException.conflict("A category cannot move under itself or its subtree"));
              }
              return subtreeDepth(current)
                  .flatMap(
                      height -> {
                        if (target.depth() + height > Category.MAX_DEPTH) {
                          return Mono.error(tooDeep());
                        }
                        return apply(
                                current, req, target.ancestors(), target.depth(), target.parentId())
                            .flatMap(moved -> relinkDescendants(current, moved).thenReturn(moved));
                      });
            });
  }

  /**
   * Rewrites each descendant's ancestors after a move. Each write recomputes from the moved node's
   * current lineage, so re-running a move (after a crash part way) converges to a consistent tree.
   */
  private Mono<Void> relinkDescendants(Category before, Category moved) {
    String id = before.id().toHexString();
    List<String> newPrefix = moved.lineageForChildren();
    Query subtree =
        new Query(Criteria.where("merchantId").is(before.merchantId()).and("ancestors").is(id));
    subtree.with(Sort.by("depth", "_id"));
    return mongo
        .find(subtree, Category.class)
        .concatMap(
            d -> {
              int at = d.ancestors().indexOf(id);
              List<String> ancestors = new ArrayList<>(newPrefix);
              ancestors.addAll(d.ancestors().subList(at + 1, d.ancestors().size()));
              Update u =
                  new Update()
                      .set("ancestors", ancestors)
                      .set("depth", ancestors.size())
                      .set("updatedAt", Timestamps.now(clock));
              return mongo.updateFirst(
                  new Query(Criteria.where("_id").is(d.id())), u, Category.class);
            })
        .then();
  }

  /** How many levels lie below the category (0 for a leaf). */
  private Mono<Integer> subtreeDepth(Category c) {
    Query q =
        new Query(
            Criteria.where("merchantId")
                .is(c.merchantId())
                .and("ancestors")
                .is(c.id().toHexString()));
    q.with(Sort.by(Sort.Direction.DESC, "depth")).limit(1);
    return mongo
        .find(q, Category.class)
        .next()
        .map(deepest -> deepest.depth() - c.depth())
        .defaultIfEmpty(0);
  }

  private Mono<Category> apply(
      Category current,
      CategoryRequests.Update req,
      List<String> ancestors,
      int depth,
      String parentId) {
    Instant now = Timestamps.now(clock);
    LocalizedText name = req.name() != null ? req.name() : current.name();
    String slug = req.slug() != null ? req.slug() : current.slug();
    Update u =
        new Update()
            .set("name", name)
            .set("slug", slug)
            .set("parentId", parentId)
            .set("ancestors", ancestors)
            .set("depth", depth)
            .set(IndexCatalog.SEARCH_FIELD, SearchText.indexTerms(name.both(), slug))
            .set("updatedAt", now);
    if (req.sortOrder() != null) {
      u.set("sortOrder", req.sortOrder());
    }
    return mongo.findAndModify(
        new Query(
            Criteria.where("_id").is(current.id()).and("merchantId").is(current.merchantId())),
        u,
        FindAndModifyOptions.options().returnNew(true),
        Category.class);
  }

  private Mono<Category> parent(String merchantId, String parentId) {
    if (parentId == null) {
      return Mono.empty();
    }
    return Mono.defer(
        () ->
            mongo
                .findOne(byId(merchantId, parentId), Category.class)
                .switchIfEmpty(
                    Mono.error(
                        () ->
                            ApiException.invalidField(
                                "parentId", "names no category of this merchant"))));
  }

  private Category newCategory(
      String merchantId,
      CategoryRequests.Create req,
      List<String> ancestors,
      int depth,
      Category parent) {
    if (depth > Category.MAX_DEPTH) {
      throw tooDeep();
    }
    Instant now = Timestamps.now(clock);
    return new Category(
        null,
        merchantId,
        req.name(),
        req.slug(),
        parent == null ? null : parent.id().toHexString(),
        ancestors,
        depth,
        req.sortOrder() == null ? 0 : req.sortOrder(),
        SearchText.indexTerms(req.name().both(), req.slug()),
        now,
        now);
  }

  private static ApiException tooDeep() {
    return ApiException.invalidField(
        "parentId", "would nest categories deeper than " + (Category.MAX_DEPTH + 1) + " levels");
  }

  private static ApiException slugTaken(String slug) {
    return ApiException.conflict("Slug '" + slug + "' is already used by this merchant");
  }

  private static Query byId(String merchantId, String categoryId) {
    return new Query(
        Criteria.where("_id")
            .is(Ids.parse(categoryId, "categoryId"))
            .and("merchantId")
            .is(Ids.canonical(merchantId, "merchantId")));
  }

  private record Lineage(List<String> ancestors, int depth, String parentId) {}
}
