package io.kaleem.api.plans;

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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "plans", description = "Subscription plans merchants subscribe to")
@RestController
@Validated
@RequestMapping("/api/v1/plans")
class PlanController {

  private final PlanService plans;

  PlanController(PlanService plans) {
    this.plans = plans;
  }

  @Operation(summary = "Create a plan")
  @PostMapping
  Mono<ResponseEntity<PlanView>> create(@Valid @RequestBody PlanRequests.Create body) {
    return plans
        .create(body)
        .map(
            p ->
                ResponseEntity.created(URI.create("/api/v1/plans/" + p.id().toHexString()))
                    .body(PlanView.of(p)));
  }

  @Operation(summary = "List plans (cursor-paginated, filterable, searchable)")
  @GetMapping
  Mono<Page<PlanView>> list(
      @Valid @ParameterObject PlanListFilter filter, @ParameterObject PageParams page) {
    return plans.list(filter, page).map(p -> p.map(PlanView::of));
  }

  @Operation(summary = "Get a plan")
  @GetMapping("/{planId}")
  Mono<PlanView> get(@PathVariable String planId) {
    return plans.get(planId).map(PlanView::of);
  }

  @Operation(summary = "Update a plan (fields left out are unchanged; code is immutable)")
  @PatchMapping("/{planId}")
  Mono<PlanView> update(@PathVariable String planId, @Valid @RequestBody PlanRequests.Update body) {
    return plans.update(planId, body).map(PlanView::of);
  }

  @Operation(summary = "Deactivate a plan (subscribed merchants keep it)")
  @DeleteMapping("/{planId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> deactivate(@PathVariable String planId) {
    return plans.deactivate(planId).then();
  }
}
