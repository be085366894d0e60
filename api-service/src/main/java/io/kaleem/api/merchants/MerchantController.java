package io.kaleem.api.merchants;

import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "merchants", description = "Merchants on the platform and their plan subscriptions")
@RestController
@Validated
@RequestMapping("/api/v1/merchants")
class MerchantController {

  private final MerchantService merchants;

  MerchantController(MerchantService merchants) {
    this.merchants = merchants;
  }

  @Operation(summary = "Onboard a merchant (optionally subscribed to a plan)")
  @PostMapping
  Mono<ResponseEntity<MerchantView>> create(@Valid @RequestBody MerchantRequests.Create body) {
    return merchants
        .create(body)
        .map(
            m ->
                ResponseEntity.created(URI.create("/api/v1/merchants/" + m.id().toHexString()))
                    .body(MerchantView.of(m)));
  }

  @Operation(summary = "List merchants (cursor-paginated, filterable, searchable)")
  @GetMapping
  Mono<Page<MerchantView>> list(
      @Valid @ParameterObject MerchantListFilter filter, @ParameterObject PageParams page) {
    return merchants.list(filter, page).map(p -> p.map(MerchantView::of));
  }

  @Operation(summary = "Get a merchant")
  @GetMapping("/{merchantId}")
  Mono<MerchantView> get(@PathVariable String merchantId) {
    return merchants.get(merchantId).map(MerchantView::of);
  }

  @Operation(summary = "Update a merchant (fields left out are unchanged)")
  @PatchMapping("/{merchantId}")
  Mono<MerchantView> update(
      @PathVariable String merchantId, @Valid @RequestBody MerchantRequests.Update body) {
    return merchants.update(merchantId, body).map(MerchantView::of);
  }

  @Operation(summary = "Close a merchant (data is kept; its subscription is cancelled)")
  @DeleteMapping("/{merchantId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> close(@PathVariable String merchantId) {
    return merchants.close(merchantId).then();
  }

  @Operation(
      summary =
          "Subscribe to a plan or change plan (platform admins: billing; a new period starts)")
  @PutMapping("/{merchantId}/subscription")
  Mono<MerchantView> subscribe(
      @PathVariable String merchantId, @Valid @RequestBody MerchantRequests.Subscribe body) {
    return merchants.subscribe(merchantId, body).map(MerchantView::of);
  }

  @Operation(summary = "Ask billing for another plan (owners); the subscription is unchanged")
  @PostMapping("/{merchantId}/subscription/change-request")
  Mono<MerchantView> requestPlanChange(
      @PathVariable String merchantId, @Valid @RequestBody MerchantRequests.PlanChange body) {
    return merchants.requestPlanChange(merchantId, body).map(MerchantView::of);
  }

  @Operation(summary = "Renew the subscription for its due period (platform admins: billing)")
  @PostMapping("/{merchantId}/subscription/renew")
  Mono<MerchantView> renew(@PathVariable String merchantId) {
    return merchants.renew(merchantId).map(MerchantView::of);
  }

  @Operation(summary = "Cancel the subscription (auto-renew off)")
  @PostMapping("/{merchantId}/subscription/cancel")
  Mono<MerchantView> cancel(@PathVariable String merchantId) {
    return merchants.cancelSubscription(merchantId).map(MerchantView::of);
  }
}
