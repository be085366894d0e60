package io.kaleem.api.demo;

import io.kaleem.api.categories.CategoryRequests;
import io.kaleem.api.categories.CategoryService;
import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.common.LongText;
import io.kaleem.api.database.StartupTask;
import io.kaleem.api.merchants.MerchantRequests;
import io.kaleem.api.merchants.MerchantService;
import io.kaleem.api.orders.OrderRequests;
import io.kaleem.api.orders.OrderService;
import io.kaleem.api.orders.OrderStatus;
import io.kaleem.api.plans.BillingInterval;
import io.kaleem.api.plans.Plan;
import io.kaleem.api.plans.PlanLimits;
import io.kaleem.api.plans.PlanRequests;
import io.kaleem.api.plans.PlanService;
import io.kaleem.api.products.ProductRequests;
import io.kaleem.api.products.ProductService;
import io.kaleem.api.products.ProductStatus;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.tickets.TicketPriority;
import io.kaleem.api.tickets.TicketRequests;
import io.kaleem.api.tickets.TicketService;
import io.kaleem.api.users.UserRequests;
import io.kaleem.api.users.UserService;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fills an empty embedded database with a small but realistic tenant: plans, three merchants with
 * subscriptions, staff and customers, a category tree, a few thousand products with Arabic and
 * English names, orders in every status and support tickets. It goes through the services, so the
 * data obeys every rule the API enforces. Runs once: a marker document records that it did.
 */
@Component
@Order(100)
@DemoDataCondition
class DemoDataLoader implements StartupTask {

  private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);
  static final String MARKER_COLLECTION = "platform_meta";
  static final String MARKER_ID = "demo-data";

  private static final String[][] CATEGORIES = {
    {"electronics", "إلكترونيات", "Electronics"},
    {"home", "المنزل", "Home"},
    {"fashion", "أزياء", "Fashion"},
    {"grocery", "بقالة", "Grocery"},
  };
  private static final String[][] SUBCATEGORIES = {
    {"phones", "هواتف", "Phones"},
    {"lighting", "إضاءة", "Lighting"},
    {"abayas", "عبايات", "Abayas"},
    {"coffee", "قهوة", "Coffee"},
  };
  private static final String[][] NOUNS = {
    {"هاتف ذكي", "Smartphone"},
    {"مصباح مكتب", "Desk lamp"},
    {"عباءة سوداء", "Black abaya"},
    {"قهوة عربية", "Arabic coffee"},
    {"تمر سكري", "Sukkari dates"},
    {"سماعة لاسلكية", "Wireless headphones"},
    {"سجادة صلاة", "Prayer rug"},
    {"دلة قهوة", "Coffee pot"},
    {"عطر عود", "Oud perfume"},
    {"شاحن سريع", "Fast charger"},
  };
  private static final String[][] ADJECTIVES = {
    {"فاخر", "Premium"},
    {"كلاسيكي", "Classic"},
    {"مُمتاز", "Deluxe"},
    {"عملي", "Everyday"},
    {"صغير", "Compact"},
    {"جديد", "New"},
  };

  private final ReactiveMongoTemplate mongo;
  private final PlanService plans;
  private final MerchantService merchants;
  private final UserService users;
  private final CategoryService categories;
  private final ProductService products;
  private final OrderService orders;
  private final TicketService tickets;
  private final DemoDataProperties properties;

  DemoDataLoader(
      ReactiveMongoTemplate mongo,
      PlanService plans,
      MerchantService merchants,
      UserService users,
      CategoryService categories,
      ProductService products,
      OrderService orders,
      TicketService tickets,
      DemoDataProperties properties) {
    this.mongo = mongo;
    this.plans = plans;
    this.merchants = merchants;
    this.users = users;
    this.categories = categories;
    this.products = products;
    this.orders = orders;
    this.tickets = tickets;
    this.properties = properties;
  }

  @Override
  public Mono<Void> run() {
    Query marker = new Query(Criteria.where("_id").is(MARKER_ID));
    return mongo
        .exists(marker, MARKER_COLLECTION)
        .flatMap(
            loaded -> {
              if (loaded) {
                log.info("Demo data already loaded; leaving the database as it is");
                return Mono.empty();
              }
              long t0 = System.nanoTime();
              return load()
                  // The services check who acts: the loader acts as the platform.
                  .contextWrite(CurrentUser.asPlatform())
                  .then(
                      mongo.insert(
                          new Document("_id", MARKER_ID).append("loadedAt", new Date()),
                          MARKER_COLLECTION))
                  .doOnSuccess(
                      d ->
                          log.info(
                              "Loaded demo data ({} products) in {} ms",
                              properties.products(),
                              (System.nanoTime() - t0) / 1_000_000))
                  .then();
            });
  }

  private Mono<Void> load() {
    return Flux.concat(
            plans.create(plan("basic", "أساسي", "Basic", "99", 500, 60, 2)),
            plans.create(plan("pro", "احترافي", "Pro", "299", 5_000, 300, 10)),
            plans.create(plan("enterprise", "مؤسسات", "Enterprise", "999", 100_000, 1_200, 100)))
        .collectList()
        .flatMap(
            ps ->
                users
                    .create(
                        new UserRequests.Create(
                            "admin@kaleem.example",
                            "Platform Admin",
                            null,
                            Role.PLATFORM_ADMIN,
                            null))
                    .then(
                        users.create(
                            new UserRequests.Create(
                                "agent@kaleem.example",
                                "Support Agent",
                                null,
                                Role.SUPPORT_AGENT,
                                null)))
                    .flatMap(
                        agent ->
                            customers()
                                .flatMap(
                                    customers ->
                                        // The merchants load side by side, each with its own
                                        // seeded generator so the data stays the same run to run.
                                        Flux.merge(
                                                merchant(
                                                    DemoAccounts.SHOWCASE_STORE,
                                                    "متجر كليم",
                                                    "Kaleem Store",
                                                    ps.get(1).id().toHexString(),
                                                    allowed(
                                                        ps.get(1), properties.products() * 2 / 3),
                                                    customers,
                                                    agent.id().toHexString(),
                                                    new Random(11)),
                                                merchant(
                                                    "riyadh-lights",
                                                    "أضواء الرياض",
                                                    "Riyadh Lights",
                                                    ps.get(0).id().toHexString(),
                                                    allowed(ps.get(0), properties.products() / 6),
                                                    customers,
                                                    agent.id().toHexString(),
                                                    new Random(12)),
                                                merchant(
                                                    "jeddah-coffee",
                                                    "قهوة جدة",
                                                    "Jeddah Coffee",
                                                    ps.get(2).id().toHexString(),
                                                    allowed(ps.get(2), properties.products() / 6),
                                                    customers,
                                                    agent.id().toHexString(),
                                                    new Random(13)))
                                            .then())));
  }

  private Mono<List<String>> customers() {
    String[] names = {
      "سارة العتيبي",
      "Omar Haddad",
      "نورة القحطاني",
      "Khalid Al-Harbi",
      "ليلى منصور",
      "Yousef Nasser",
      "ريم الدوسري",
      "Fahad Saleh"
    };
    return Flux.range(0, names.length)
        .concatMap(
            i ->
                users.create(
                    new UserRequests.Create(
                        "customer" + (i + 1) + "@kaleem.example",
                        names[i],
                        null,
                        Role.CUSTOMER,
                        null)))
        .map(u -> u.id().toHexString())
        .collectList();
  }

  private Mono<Void> merchant(
      String slug,
      String ar,
      String en,
      String planId,
      int productCount,
      List<String> customers,
      String agentId,
      Random random) {
    return merchants
        .create(
            new MerchantRequests.Create(
                new LocalizedText(ar, en), slug, "owner@" + slug + ".example", "SA", "SAR", planId))
        .flatMap(
            m -> {
              String id = m.id().toHexString();
              return users
                  .create(
                      new UserRequests.Create(
                          ownerEmail(slug), en + " Owner", null, Role.MERCHANT_OWNER, id))
                  .then(
                      users.create(
                          new UserRequests.Create(
                              "staff@" + slug + ".example",
                              en + " Staff",
                              null,
                              Role.MERCHANT_STAFF,
                              id)))
                  .then(categoryTree(id))
                  .flatMap(leaves -> catalogue(id, leaves, productCount, random))
                  .flatMap(
                      productIds -> ordersAndTickets(id, productIds, customers, agentId, random));
            });
  }

  /**
   * The owner account of a demo store: the showcase store's is the demo owner (who gets a password
   * when demo sign-ins are on), the others' exist only as data.
   */
  private static String ownerEmail(String slug) {
    return slug.equals(DemoAccounts.SHOWCASE_STORE)
        ? DemoAccounts.OWNER_EMAIL
        : "owner@" + slug + ".example";
  }

  /** Four roots with one child each; returns every category id, products go anywhere. */
  private Mono<List<String>> categoryTree(String merchantId) {
    List<String> ids = new ArrayList<>();
    return Flux.range(0, CATEGORIES.length)
        .concatMap(
            i ->
                categories
                    .create(
                        merchantId,
                        new CategoryRequests.Create(
                            new LocalizedText(CATEGORIES[i][1], CATEGORIES[i][2]),
                            CATEGORIES[i][0],
                            null,
                            i))
                    .doOnNext(c -> ids.add(c.id().toHexString()))
                    .flatMap(
                        root ->
                            categories.create(
                                merchantId,
                                new CategoryRequests.Create(
                                    new LocalizedText(SUBCATEGORIES[i][1], SUBCATEGORIES[i][2]),
                                    SUBCATEGORIES[i][0],
                                    root.id().toHexString(),
                                    0)))
                    .doOnNext(c -> ids.add(c.id().toHexString())))
        .then(Mono.fromSupplier(() -> List.copyOf(ids)));
  }

  /**
   * The catalogue size for a merchant on {@code plan}: its share of {@code kaleem.demo.products},
   * at most what the plan allows (the catalogue is one batch, refused whole over the limit).
   */
  private static int allowed(Plan plan, int share) {
    return plan.limits() == null ? share : Math.min(share, plan.limits().products());
  }

  private Mono<List<String>> catalogue(
      String merchantId, List<String> categoryIds, int count, Random random) {
    List<ProductRequests.Create> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String[] noun = NOUNS[random.nextInt(NOUNS.length)];
      String[] adj = ADJECTIVES[random.nextInt(ADJECTIVES.length)];
      // Active products get stock so the demo orders can buy them; some drafts too.
      boolean draft = random.nextInt(10) == 0;
      batch.add(
          new ProductRequests.Create(
              "SKU-" + (10_000 + i),
              new LocalizedText(noun[0] + " " + adj[0], adj[1] + " " + noun[1]),
              new LongText(
                  "وصف " + noun[0], "About the " + noun[1].toLowerCase(java.util.Locale.ROOT)),
              BigDecimal.valueOf(500 + random.nextInt(50_000), 2),
              "SAR",
              random.nextInt(200) + 20,
              draft ? ProductStatus.DRAFT : ProductStatus.ACTIVE,
              categoryIds.get(random.nextInt(categoryIds.size())),
              List.of(noun[1].split(" ")[0].toLowerCase(java.util.Locale.ROOT)),
              List.of("https://cdn.kaleem.example/p/" + (10_000 + i) + ".jpg")));
    }
    return products
        .createAll(merchantId, batch)
        .filter(p -> p.status() == ProductStatus.ACTIVE)
        .map(p -> p.id().toHexString())
        .collectList();
  }

  private Mono<Void> ordersAndTickets(
      String merchantId,
      List<String> productIds,
      List<String> customers,
      String agentId,
      Random random) {
    OrderStatus[] walk = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED};
    return Flux.range(0, properties.ordersPerMerchant())
        .concatMap(
            i -> {
              String customer = customers.get(random.nextInt(customers.size()));
              List<OrderRequests.Line> lines = new ArrayList<>();
              for (String p : pick(productIds, 1 + random.nextInt(3), random)) {
                lines.add(new OrderRequests.Line(p, 1 + random.nextInt(2)));
              }
              int steps =
                  random.nextInt(5); // 0..2: pending..delivered walk; 3: delivered; 4: cancel
              return orders
                  .place(merchantId, new OrderRequests.Create(customer, lines, null, null), null)
                  .flatMap(
                      placed -> {
                        String orderId = placed.order().id().toHexString();
                        if (steps == 4) {
                          return orders.changeStatus(
                              merchantId,
                              orderId,
                              new OrderRequests.StatusChange(
                                  OrderStatus.CANCELLED, "customer asked"));
                        }
                        return Flux.fromArray(walk)
                            .take(Math.min(steps, 3))
                            .concatMap(
                                s ->
                                    orders.changeStatus(
                                        merchantId,
                                        orderId,
                                        new OrderRequests.StatusChange(s, null)))
                            .then(Mono.just(placed.order()));
                      })
                  .flatMap(
                      order ->
                          i % 4 == 0
                              ? tickets
                                  .open(
                                      merchantId,
                                      new TicketRequests.Create(
                                          "استفسار عن الطلب " + order.number(),
                                          order.customerId(),
                                          order.id().toHexString(),
                                          TicketPriority.values()[
                                              random.nextInt(TicketPriority.values().length)],
                                          i % 8 == 0 ? agentId : null,
                                          "متى يصل طلبي؟ When will my order arrive?"))
                                  .then()
                              : Mono.empty());
            })
        .then();
  }

  private static List<String> pick(List<String> from, int n, Random random) {
    List<String> out = new ArrayList<>();
    while (out.size() < Math.min(n, from.size())) {
      String p = from.get(random.nextInt(from.size()));
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static PlanRequests.Create plan(
      String code, String ar, String en, String price, int products, int rpm, int staff) {
    return new PlanRequests.Create(
        code,
        new LocalizedText(ar, en),
        new BigDecimal(price),
        "SAR",
        BillingInterval.MONTHLY,
        new PlanLimits(products, rpm, staff),
        true);
  }
}
