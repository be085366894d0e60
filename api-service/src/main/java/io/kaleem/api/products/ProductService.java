package io.kaleem.api.products;

import io.kaleem.api.categories.CategoryLookup;
import io.kaleem.api.common.Ids;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.merchants.MerchantQuotas;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.messaging.DomainEvents;
import io.kaleem.api.messaging.EventData;
import io.kaleem.api.messaging.EventType;
import io.kaleem.api.money.Money;
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
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A merchant's catalogue: products with prices, stock and status. */
@Service
public class ProductService {

  static final SortSpec SORTS =
      SortSpec.of(
          "-createdAt", SortOption.of("createdAt"), SortOption.of("price"), SortOption.of("stock"));

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final MerchantScope merchants;
  private final CategoryLookup categories;
  private final ProductCache cache;
  private final Clock clock;

  private final DomainEvents events;
  private final MerchantQuotas quotas;

  public ProductService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      MerchantScope merchants,
      CategoryLookup categories,
      ProductCache cache,
      Clock clock,
      DomainEvents events,
      MerchantQuotas quotas) {
    this.events = events;
    this.quotas = quotas;
    this.mongo = mongo;
    this.pager = pager;
    this.merchants = merchants;
    this.categories = categories;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * Creates a product; over the plan's {@code limits.products} (kept, not archived) is a 409. The
   * count and the insert hold the merchant's quota lock ({@link MerchantQuotas#within}).
   */
  public Mono<Product> create(String merchantId, ProductRequests.Create req) {
    return merchants
        .requireOpen(merchantId)
        .zipWith(events.origin())
        .flatMap(
            mo -> {
              String m = mo.getT1();
              return quotas.within(
                  m,
                  MerchantQuotas.Quota.PRODUCTS,
                  1,
                  kept(m),
                  () ->
                      categories
                          .requireOwnedBy(m, canonicalOrNull(req.categoryId()), "categoryId")
                          .then(Mono.fromCallable(() -> newProduct(m, req)))
                          .flatMap(p -> events.insert(p, mo.getT2(), ProductService::created)));
            })
        .flatMap(p -> cache.added(p.merchantId()).thenReturn(p))
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("SKU '" + req.sku() + "' is already used by this merchant"))
        .flatMap(this::moved);
  }

  /**
   * Creates many products of one merchant in one bulk insert (imports, demo data): the merchant and
   * each distinct category are checked once. The plan's product quota applies to the whole batch:
   * one that would pass it is refused whole (409, nothing stored), under the same lock as {@link
   * #create}. A duplicate SKU fails the call with a 409.
   */
  public Flux<Product> createAll(String merchantId, List<ProductRequests.Create> requests) {
    return merchants
        .requireOpen(merchantId)
        .zipWith(events.origin())
        .flatMapMany(
            mo -> {
              String m = mo.getT1();
              // Nulls (no category) leave the stream before Flux sees it: a Flux carries no null.
              return Flux.fromStream(
                      requests.stream()
                          .map(r -> canonicalOrNull(r.categoryId()))
                          .filter(java.util.Objects::nonNull)
                          .distinct())
                  .concatMap(c -> categories.requireOwnedBy(m, c, "categoryId"))
                  .then(
                      quotas.within(
                          m,
                          MerchantQuotas.Quota.PRODUCTS,
                          requests.size(),
                          kept(m),
                          () ->
                              events
                                  .insertAll(
                                      requests.stream().map(r -> newProduct(m, r)).toList(),
                                      mo.getT2(),
                                      ProductService::created)
                                  .collectList()))
                  .flatMapIterable(products -> products)
                  .concatWith(cache.added(m).then(Mono.empty()));
            })
        .onErrorMap(
            DuplicateKeyException.class,
            e -> ApiException.conflict("A SKU in the batch is already used by this merchant"))
        .concatMap(this::moved);
  }

  /** The product, through the cache (a miss reads MongoDB); a 404 when there is none. */
  public Mono<Product> get(String merchantId, String productId) {
    return Mono.defer(
            () -> {
              Query q = byId(merchantId, productId);
              return cache.get(
                  Ids.canonical(merchantId, "merchantId"),
                  Ids.canonical(productId, "productId"),
                  () -> mongo.findOne(q, Product.class));
            })
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("product", productId)));
  }

  /** The merchant's products; first pages come through the cache. */
  public Mono<Page<Product>> list(String merchantId, ProductListFilter filter, PageParams page) {
    return merchants
        .require(merchantId)
        .flatMap(
            m -> {
              ListQuery<Product> q = listQuery(m, filter);
              return cache.firstPage(m, filter, page, () -> pager.page(q, page));
            });
  }

  public Mono<Product> update(String merchantId, String productId, ProductRequests.Update req) {
    return merchants
        .requireOpen(merchantId)
        .then(get(merchantId, productId))
        .flatMap(
            current ->
                categories
                    .requireOwnedBy(merchantId, canonicalOrNull(req.categoryId()), "categoryId")
                    .then(Mono.fromCallable(() -> changes(current, req)))
                    .flatMap(u -> announce(u, EventType.PRODUCT_CHANGED, current.merchantId())))
        .flatMap(
            update ->
                mongo.findAndModify(
                    byId(merchantId, productId),
                    update,
                    FindAndModifyOptions.options().returnNew(true),
                    Product.class))
        .flatMap(p -> cache.changed(p.merchantId(), p.id().toHexString()).thenReturn(p))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("product", productId)))
        .flatMap(this::moved);
  }

  /** Products are archived, not deleted: orders keep pointing at them. */
  public Mono<Product> archive(String merchantId, String productId) {
    Update update =
        new Update().set("status", ProductStatus.ARCHIVED).set("updatedAt", Timestamps.now(clock));
    return merchants
        .requireOpen(merchantId)
        .then(
            Mono.defer(
                () -> {
                  Query q = byId(merchantId, productId);
                  return announce(
                          update,
                          EventType.PRODUCT_ARCHIVED,
                          Ids.canonical(merchantId, "merchantId"))
                      .flatMap(
                          u ->
                              mongo.findAndModify(
                                  q,
                                  u,
                                  FindAndModifyOptions.options().returnNew(true),
                                  Product.class));
                }))
        .flatMap(p -> cache.changed(p.merchantId(), p.id().toHexString()).thenReturn(p))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("product", productId)))
        .flatMap(this::moved);
  }

  /** How many products the merchant keeps (not archived): what {@code limits.products} bounds. */
  private Mono<Long> kept(String merchantId) {
    return mongo.count(
        new Query(
            Criteria.where("merchantId")
                .is(merchantId)
                .and("status")
                .in(ProductStatus.VISIBLE_BY_DEFAULT.stream().map(Enum::name).toList())),
        Product.class);
  }

  /** {@code update} with the product's event in the same write (its data: the product after). */
  private Mono<Update> announce(Update update, EventType type, String merchantId) {
    return events.mark(update, type, merchantId, null, null, null);
  }

  private static List<DomainEvents.NewEvent> created(Product p) {
    return List.of(
        new DomainEvents.NewEvent(
            EventType.PRODUCT_CREATED, p.merchantId(), p.id().toHexString(), EventData.product(p)));
  }

  /** Moves the product's recorded event to the outbox before the change is answered. */
  private Mono<Product> moved(Product p) {
    return events.moved(Product.class, p.id(), p);
  }

  static ListQuery<Product> listQuery(String merchantId, ProductListFilter f) {
    List<Filter> filters = new ArrayList<>();
    filters.add(Filter.eq("merchantId", merchantId));
    List<ProductStatus> statuses =
        f.status() == null || f.status().isEmpty() ? ProductStatus.VISIBLE_BY_DEFAULT : f.status();
    filters.add(Filter.in("status", statuses.stream().distinct().map(Enum::name).toList()));
    if (f.categoryId() != null) {
      filters.add(Filter.eq("categoryId", Ids.canonical(f.categoryId(), "categoryId")));
    }
    if (f.tag() != null) {
      filters.add(Filter.eq("tags", f.tag()));
    }
    if (f.q() != null) {
      filters.add(Filter.search(f.q()));
    }
    return new ListQuery<>(Product.COLLECTION, Product.class, filters, SORTS);
  }

  private Product newProduct(String merchantId, ProductRequests.Create req) {
    String currency = req.currency();
    long price = Money.toMinor(req.price(), currency, "price");
    Instant now = Timestamps.now(clock);
    List<String> tags = normalizeTags(req.tags());
    return new Product(
        null,
        merchantId,
        req.sku(),
        req.name(),
        req.description(),
        price,
        currency,
        req.stock() == null ? 0 : req.stock(),
        req.status() == null ? ProductStatus.DRAFT : req.status(),
        canonicalOrNull(req.categoryId()),
        tags,
        req.images() == null ? List.of() : req.images(),
        searchTerms(req.sku(), req.name().both(), tags),
        now,
        now);
  }

  private Update changes(Product current, ProductRequests.Update req) {
    Update u = new Update().set("updatedAt", Timestamps.now(clock));
    String currency = req.currency() != null ? req.currency() : current.currency();
    if (req.currency() != null || req.price() != null) {
      var amount =
          req.price() != null ? req.price() : Money.fromMinor(current.price(), current.currency());
      u.set("price", Money.toMinor(amount, currency, "price")).set("currency", currency);
    }
    if (req.name() != null) {
      u.set("name", req.name());
    }
    if (req.description() != null) {
      u.set("description", req.description());
    }
    if (req.stock() != null) {
      u.set("stock", req.stock());
    }
    if (req.status() != null) {
      u.set("status", req.status());
    }
    if (req.categoryId() != null) {
      u.set("categoryId", canonicalOrNull(req.categoryId()));
    }
    List<String> tags = req.tags() != null ? normalizeTags(req.tags()) : current.tags();
    if (req.tags() != null) {
      u.set("tags", tags);
    }
    if (req.images() != null) {
      u.set("images", req.images());
    }
    if (req.name() != null || req.tags() != null) {
      var name = req.name() != null ? req.name() : current.name();
      u.set(IndexCatalog.SEARCH_FIELD, searchTerms(current.sku(), name.both(), tags));
    }
    return u;
  }

  private static List<String> searchTerms(String sku, String names, List<String> tags) {
    return SearchText.indexTerms(sku, names, String.join(" ", tags == null ? List.of() : tags));
  }

  private static List<String> normalizeTags(List<String> tags) {
    return tags == null ? List.of() : tags.stream().map(String::strip).distinct().toList();
  }

  private static String canonicalOrNull(String id) {
    return id == null ? null : Ids.canonical(id, "categoryId");
  }

  private static Query byId(String merchantId, String productId) {
    ObjectId id = Ids.parse(productId, "productId");
    String merchant = Ids.canonical(merchantId, "merchantId");
    return new Query(Criteria.where("_id").is(id).and("merchantId").is(merchant));
  }
}
