package io.kaleem.api.tickets;

import io.kaleem.api.commerce.ConditionalRetry;
import io.kaleem.api.commerce.CustomerScope;
import io.kaleem.api.commerce.Sequences;
import io.kaleem.api.common.Ids;
import io.kaleem.api.common.Timestamps;
import io.kaleem.api.errors.ApiException;
import io.kaleem.api.merchants.MerchantScope;
import io.kaleem.api.messaging.DomainEvents;
import io.kaleem.api.messaging.EventData;
import io.kaleem.api.messaging.EventOrigin;
import io.kaleem.api.messaging.EventType;
import io.kaleem.api.orders.Order;
import io.kaleem.api.pagination.Filters;
import io.kaleem.api.pagination.KeysetPager;
import io.kaleem.api.pagination.ListQuery;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.pagination.SortOption;
import io.kaleem.api.pagination.SortSpec;
import io.kaleem.api.search.SearchText;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.kaleem.api.users.UserService;
import io.kaleem.crds.indexes.IndexCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A merchant's support tickets: a conversation between a customer and the merchant's staff or the
 * platform's support agents, with a status machine and an assignee.
 *
 * <p>Every change is one {@code findAndModify} conditional on the ticket's {@code version} (and the
 * merchant): a change computed from what was read applies only if nothing changed in between;
 * otherwise it is recomputed from the fresh ticket, a bounded number of times.
 *
 * <p>Ownership: a CUSTOMER caller opens tickets only for themself ({@code customerId} must be the
 * token's subject, no {@code assigneeId}), lists and reads only their own tickets (another's is a
 * 404), may add messages to and close their own tickets, and may not change anything else. Every
 * caller but a platform admin writes messages only as themself ({@code authorId} must be the
 * token's subject, else 403).
 */
@Service
public class TicketService {

  static final SortSpec SORTS = SortSpec.of("-createdAt", SortOption.of("createdAt"));
  static final String SEQUENCE = "tickets";

  /** Most messages a ticket holds; the 501st is a 409. */
  public static final int MAX_MESSAGES = 500;

  /** Most search terms a ticket stores: the subject's, then the messages' in order. */
  static final int MAX_SEARCH_TERMS = 400;

  static final int MAX_ATTEMPTS = 8;

  private final ReactiveMongoTemplate mongo;
  private final KeysetPager pager;
  private final MerchantScope merchants;
  private final UserService users;
  private final CustomerScope customers;
  private final Sequences sequences;
  private final Clock clock;
  private final CurrentUser currentUser;

  private final DomainEvents events;

  TicketService(
      ReactiveMongoTemplate mongo,
      KeysetPager pager,
      MerchantScope merchants,
      UserService users,
      CustomerScope customers,
      Sequences sequences,
      Clock clock,
      CurrentUser currentUser,
      DomainEvents events) {
    this.events = events;
    this.mongo = mongo;
    this.pager = pager;
    this.merchants = merchants;
    this.users = users;
    this.customers = customers;
    this.sequences = sequences;
    this.clock = clock;
    this.currentUser = currentUser;
  }

  /** Opens a ticket; its first message is the customer's {@code body}. */
  public Mono<Ticket> open(String merchantId, TicketRequests.Create req) {
    return currentUser
        .require()
        .flatMap(caller -> merchants.requireOpen(merchantId).map(m -> new Scoped(m, caller)))
        .flatMap(
            scoped ->
                Mono.defer(
                    () -> {
                      String m = scoped.merchantId();
                      AuthenticatedUser caller = scoped.caller();
                      String customer = Ids.canonical(req.customerId(), "customerId");
                      if (caller.is(Role.CUSTOMER) && req.assigneeId() != null) {
                        throw CurrentUser.forbidden("A customer cannot assign a ticket");
                      }
                      String order = canonicalOrNull(req.orderId(), "orderId");
                      String assignee = canonicalOrNull(req.assigneeId(), "assigneeId");
                      // Nobody speaks for a customer: the first message is the caller's own.
                      String author = caller.is(Role.CUSTOMER) ? customer : caller.userId();
                      return customers
                          .requireNameable(m, customer, caller, "customerId")
                          .then(requireCustomersOrder(m, customer, order))
                          .then(
                              assignee == null
                                  ? Mono.empty()
                                  : users.requireAgentOf(m, assignee, "assigneeId"))
                          .then(sequences.next(SEQUENCE, m))
                          .map(
                              number ->
                                  newTicket(m, number, customer, author, order, assignee, req))
                          .zipWith(events.origin())
                          .flatMap(
                              to ->
                                  events.insert(
                                      to.getT1(),
                                      to.getT2(),
                                      t ->
                                          List.of(
                                              new DomainEvents.NewEvent(
                                                  EventType.TICKET_OPENED,
                                                  t.merchantId(),
                                                  t.id().toHexString(),
                                                  EventData.ticket(t, null)))))
                          .flatMap(this::moved);
                    }));
  }

  /** The ticket; a customer's view is limited to their own tickets (another's is a 404). */
  public Mono<Ticket> get(String merchantId, String ticketId) {
    return currentUser.require().flatMap(caller -> get(merchantId, ticketId, caller));
  }

  private Mono<Ticket> get(String merchantId, String ticketId, AuthenticatedUser caller) {
    return Mono.defer(() -> mongo.findOne(byId(merchantId, ticketId, caller), Ticket.class))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("ticket", ticketId)));
  }

  /**
   * A page of tickets. A customer's list is always restricted to their own tickets: the {@code
   * customerId} filter is replaced by the caller's id, whatever was sent.
   */
  public Mono<Page<Ticket>> list(String merchantId, TicketListFilter filter, PageParams page) {
    return currentUser
        .require()
        .flatMap(
            caller ->
                merchants
                    .require(merchantId)
                    .flatMap(m -> pager.page(listQuery(m, ownFilter(filter, caller)), page)));
  }

  private static TicketListFilter ownFilter(TicketListFilter f, AuthenticatedUser caller) {
    return new TicketListFilter(
        f.status(),
        f.priority(),
        f.assigneeId(),
        CustomerScope.listedCustomer(f.customerId(), caller),
        f.q());
  }

  /** Changes subject, priority or assignee ({@code ""} unassigns); a closed ticket is a 409. */
  public Mono<Ticket> update(String merchantId, String ticketId, TicketRequests.Update req) {
    if (req.subject() == null && req.priority() == null && req.assigneeId() == null) {
      return Mono.error(
          ApiException.badRequest(
              "The update names no field to change (subject, priority, assigneeId)"));
    }
    String assignee =
        req.assigneeId() == null || req.assigneeId().isEmpty()
            ? null
            : req.assigneeId().toLowerCase(Locale.ROOT);
    Mono<Void> assigneeCheck =
        assignee == null
            ? Mono.empty()
            : Mono.defer(
                () ->
                    users.requireAgentOf(
                        Ids.canonical(merchantId, "merchantId"), assignee, "assigneeId"));
    return currentUser
        .require()
        .flatMap(
            caller ->
                caller.is(Role.CUSTOMER)
                    ? Mono.error(
                        CurrentUser.forbidden(
                            "A customer cannot change a ticket's subject, priority or assignee"))
                    : get(merchantId, ticketId, caller))
        .flatMap(
            t ->
                assigneeCheck.then(
                    change(
                        t,
                        current -> {
                          requireNotClosed(current);
                          Update u = new Update();
                          if (req.subject() != null) {
                            u.set("subject", req.subject().strip())
                                .set(
                                    IndexCatalog.SEARCH_FIELD,
                                    searchTerms(req.subject().strip(), current.messages()));
                          }
                          if (req.priority() != null) {
                            u.set("priority", req.priority().name());
                          }
                          if (req.assigneeId() != null) {
                            u.set("assigneeId", assignee);
                          }
                          return u;
                        })));
  }

  /**
   * Appends a message. The author is the ticket's customer (who must still be an active customer)
   * or a support agent, owner or staff member of the merchant. A customer's message on a RESOLVED
   * ticket reopens it (OPEN). A closed ticket, or one holding {@value #MAX_MESSAGES} messages, is a
   * 409.
   */
  public Mono<Ticket> addMessage(
      String merchantId, String ticketId, TicketRequests.NewMessage req) {
    return currentUser
        .require()
        .flatMap(
            caller -> {
              String author = Ids.canonical(req.authorId(), "authorId");
              if (!caller.is(Role.PLATFORM_ADMIN) && !author.equals(caller.userId())) {
                return Mono.error(
                    CurrentUser.forbidden(
                        "A message is written as its sender: authorId must be your own user id"));
              }
              return withoutMessages(merchantId, ticketId, caller);
            })
        .zipWith(events.origin())
        .flatMap(
            read -> {
              Ticket t = read.getT1();
              EventOrigin origin = read.getT2();
              String author = Ids.canonical(req.authorId(), "authorId");
              boolean fromCustomer = author.equals(t.customerId());
              Mono<Void> authorCheck =
                  fromCustomer
                      ? users.requireActiveCustomer(author, "authorId").then()
                      : users.requireAgentOf(t.merchantId(), author, "authorId");
              return authorCheck
                  .then(append(t, origin, author, req.body()))
                  .flatMap(appended -> fromCustomer ? reopen(appended) : Mono.just(appended));
            })
        .flatMap(this::moved);
  }

  /**
   * Appends one message in one atomic update, not conditional on the version: concurrent appends
   * all land ({@code $push}), each checked against the closed status and the message limit by the
   * update's own condition. The message's search terms are added to the set ({@code $addToSet}), up
   * to what the bound left at the read; concurrent appends may overshoot it by their own terms. The
   * message's event is pushed by the same update, so it exists exactly when the message does.
   */
  private Mono<Ticket> append(Ticket read, EventOrigin origin, String author, String body) {
    Instant now = Timestamps.now(clock);
    var message = new Ticket.Message(new ObjectId().toHexString(), author, body, now);
    List<String> stored = read.searchTerms() == null ? List.of() : read.searchTerms();
    List<String> added =
        withTerms(stored, body).stream().filter(term -> !stored.contains(term)).toList();
    Update u =
        new Update()
            .push("messages", message)
            .inc("messageCount", 1)
            .inc("version", 1)
            .set("updatedAt", now);
    if (!added.isEmpty()) {
      u.addToSet(IndexCatalog.SEARCH_FIELD).each(added.toArray());
    }
    events.mark(
        origin,
        u,
        EventType.TICKET_MESSAGE_ADDED,
        read.merchantId(),
        null,
        null,
        Map.of("messageId", message.id(), "authorId", author));
    Query open =
        new Query(
            Criteria.where("_id")
                .is(read.id())
                .and("merchantId")
                .is(read.merchantId())
                .and("status")
                .ne(TicketStatus.CLOSED.name())
                .and("messageCount")
                .lt(MAX_MESSAGES));
    return mongo
        .findAndModify(open, u, FindAndModifyOptions.options().returnNew(true), Ticket.class)
        .switchIfEmpty(
            Mono.defer(
                () ->
                    withoutMessages(read.merchantId(), read.id().toHexString(), null)
                        .flatMap(
                            fresh -> {
                              requireNotClosed(fresh);
                              return Mono.error(
                                  ApiException.conflict(
                                          "The ticket has reached "
                                              + MAX_MESSAGES
                                              + " messages; open a new ticket")
                                      .with("limit", MAX_MESSAGES));
                            })));
  }

  /** A customer's reply reopens a RESOLVED ticket (conditional: only from RESOLVED). */
  private Mono<Ticket> reopen(Ticket t) {
    if (t.status() != TicketStatus.RESOLVED) {
      return Mono.just(t);
    }
    return mongo
        .findAndModify(
            new Query(
                Criteria.where("_id")
                    .is(t.id())
                    .and("merchantId")
                    .is(t.merchantId())
                    .and("status")
                    .is(TicketStatus.RESOLVED.name())),
            new Update()
                .set("status", TicketStatus.OPEN.name())
                .inc("version", 1)
                .set("updatedAt", Timestamps.now(clock)),
            FindAndModifyOptions.options().returnNew(true),
            Ticket.class)
        .defaultIfEmpty(t);
  }

  /**
   * Moves the ticket to another status as its machine allows (409 otherwise). A customer may only
   * close their own ticket (any other status is a 403; replying reopens a resolved one).
   */
  public Mono<Ticket> changeStatus(
      String merchantId, String ticketId, TicketRequests.StatusChange req) {
    return currentUser
        .require()
        .flatMap(
            caller ->
                caller.is(Role.CUSTOMER) && req.status() != TicketStatus.CLOSED
                    ? Mono.error(
                        CurrentUser.forbidden("A customer may only close their own ticket"))
                    : get(merchantId, ticketId, caller))
        .zipWith(events.origin())
        .flatMap(
            read ->
                change(
                        read.getT1(),
                        current -> {
                          TicketStatus from = current.status();
                          if (!from.canMoveTo(req.status())) {
                            throw illegalTransition(from, req.status());
                          }
                          return events.mark(
                              read.getT2(),
                              new Update().set("status", req.status().name()),
                              EventType.TICKET_STATUS_CHANGED,
                              current.merchantId(),
                              null,
                              from.name(),
                              Map.of("status", req.status().name()));
                        })
                    .flatMap(this::moved));
  }

  /** Moves the ticket's recorded events to the outbox before the change is answered. */
  private Mono<Ticket> moved(Ticket t) {
    return events.moved(Ticket.class, t.id(), t);
  }

  static ListQuery<Ticket> listQuery(String merchantId, TicketListFilter f) {
    Filters filters =
        Filters.scopedTo("merchantId", merchantId)
            .eq("status", f.status())
            .eq("priority", f.priority())
            .id("assigneeId", f.assigneeId())
            .id("customerId", f.customerId())
            .search(f.q());
    return new ListQuery<>(Ticket.COLLECTION, Ticket.class, filters.list(), SORTS);
  }

  /**
   * Applies the update {@code compute} derives from the ticket as read, only if the ticket is still
   * at that version; otherwise re-reads and recomputes ({@link ConditionalRetry}). {@code compute}
   * may throw an ApiException to refuse the change.
   */
  private Mono<Ticket> change(Ticket read, Function<Ticket, Update> compute) {
    return ConditionalRetry.apply(
        read,
        current ->
            Mono.fromCallable(() -> compute.apply(current))
                .flatMap(
                    u -> {
                      u.inc("version", 1).set("updatedAt", Timestamps.now(clock));
                      Query q =
                          new Query(
                              Criteria.where("_id")
                                  .is(current.id())
                                  .and("merchantId")
                                  .is(current.merchantId())
                                  .and("version")
                                  .is(current.version()));
                      return mongo.findAndModify(
                          q, u, FindAndModifyOptions.options().returnNew(true), Ticket.class);
                    }),
        t -> get(t.merchantId(), t.id().toHexString(), null),
        MAX_ATTEMPTS,
        "ticket");
  }

  /** The ticket without its messages (every other field, {@code messageCount} included). */
  private Mono<Ticket> withoutMessages(
      String merchantId, String ticketId, AuthenticatedUser caller) {
    return Mono.defer(
            () -> {
              Query q = byId(merchantId, ticketId, caller);
              q.fields().exclude("messages");
              return mongo.findOne(q, Ticket.class);
            })
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("ticket", ticketId)));
  }

  private Mono<Void> requireCustomersOrder(String merchantId, String customerId, String orderId) {
    if (orderId == null) {
      return Mono.empty();
    }
    Query q =
        new Query(
            Criteria.where("_id")
                .is(new ObjectId(orderId))
                .and("merchantId")
                .is(merchantId)
                .and("customerId")
                .is(customerId));
    return mongo
        .exists(q, Order.class)
        .flatMap(
            found ->
                found
                    ? Mono.<Void>empty()
                    : Mono.error(
                        ApiException.invalidField(
                            "orderId", "names no order of this customer at this merchant")));
  }

  private Ticket newTicket(
      String merchantId,
      long number,
      String customerId,
      String authorId,
      String orderId,
      String assigneeId,
      TicketRequests.Create req) {
    Instant now = Timestamps.now(clock);
    String subject = req.subject().strip();
    List<Ticket.Message> messages =
        List.of(new Ticket.Message(new ObjectId().toHexString(), authorId, req.body(), now));
    return new Ticket(
        null,
        merchantId,
        number,
        subject,
        customerId,
        orderId,
        TicketStatus.OPEN,
        req.priority() == null ? TicketPriority.NORMAL : req.priority(),
        assigneeId,
        messages,
        messages.size(),
        0,
        searchTerms(subject, messages),
        now,
        now);
  }

  /** The subject's terms, then each message's in order, at most {@link #MAX_SEARCH_TERMS}. */
  static List<String> searchTerms(String subject, List<Ticket.Message> messages) {
    List<String> texts = new ArrayList<>();
    texts.add(subject);
    messages(messages).forEach(m -> texts.add(m.body()));
    List<String> terms = SearchText.indexTerms(texts.toArray(String[]::new));
    return terms.size() > MAX_SEARCH_TERMS ? terms.subList(0, MAX_SEARCH_TERMS) : terms;
  }

  /**
   * Stored terms plus a new message's, within the bound. Equal to recomputing from the subject and
   * every message, because the stored terms were computed the same way at the version read.
   */
  static List<String> withTerms(List<String> stored, String body) {
    LinkedHashSet<String> terms = new LinkedHashSet<>(stored == null ? List.of() : stored);
    for (String term : SearchText.indexTerms(body)) {
      if (terms.size() >= MAX_SEARCH_TERMS) {
        break;
      }
      terms.add(term);
    }
    return List.copyOf(terms);
  }

  private static List<Ticket.Message> messages(List<Ticket.Message> m) {
    return m == null ? List.of() : m;
  }

  private static void requireNotClosed(Ticket t) {
    if (t.status() == TicketStatus.CLOSED) {
      throw ApiException.conflict("The ticket is closed; open a new ticket")
          .with("currentStatus", TicketStatus.CLOSED.name());
    }
  }

  private static ApiException illegalTransition(TicketStatus from, TicketStatus to) {
    return ApiException.conflict(
            "A ticket in status " + from + " cannot move to " + to + "; allowed: " + from.next())
        .with("currentStatus", from.name())
        .with("requestedStatus", to.name())
        .with("allowed", from.next().stream().map(Enum::name).toList());
  }

  private static String canonicalOrNull(String id, String field) {
    return id == null ? null : Ids.canonical(id, field);
  }

  /**
   * The ticket of this merchant; for a CUSTOMER {@code caller}, only if it is theirs. A null caller
   * is an internal re-read of a ticket already found for the caller.
   */
  private static Query byId(String merchantId, String ticketId, AuthenticatedUser caller) {
    return CustomerScope.byId(merchantId, ticketId, "ticketId", caller);
  }

  private record Scoped(String merchantId, AuthenticatedUser caller) {}
}
