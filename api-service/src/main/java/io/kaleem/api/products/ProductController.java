package io.kaleem.api.products;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
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

@Tag(name = "products", description = "A merchant's catalogue")
@RestController
@Validated
@RequestMapping("/api/v1/merchants/{merchantId}/products")
class ProductController {

  private final ProductService products;
  private final CurrentUser currentUser;

  ProductController(ProductService products, CurrentUser currentUser) {
    this.products = products;
    this.currentUser = currentUser;
  }

  /** Customers see a merchant's ACTIVE products only; drafts and archived ones do not exist. */
  private Mono<Boolean> customer() {
    return currentUser.get().map(u -> u.is(Role.CUSTOMER)).defaultIfEmpty(false);
  }

  @Operation(summary = "Create a product")
  @PostMapping
  Mono<ResponseEntity<ProductView>> create(
      @PathVariable String merchantId, @Valid @RequestBody ProductRequests.Create body) {
    return products
        .create(merchantId, body)
        .map(
            p ->
                ResponseEntity.created(
                        URI.create(
                            "/api/v1/merchants/"
                                + merchantId
                                + "/products/"
                                + p.id().toHexString()))
                    .body(ProductView.of(p)));
  }

  @Operation(summary = "List products (cursor-paginated, filterable, searchable)")
  @GetMapping
  Mono<Page<ProductView>> list(
      @PathVariable String merchantId,
      @Valid @ParameterObject ProductListFilter filter,
      @ParameterObject PageParams page) {
    return customer()
        .flatMap(c -> products.list(merchantId, c ? filter.activeOnly() : filter, page))
        .map(p -> p.map(ProductView::of));
  }

  @Operation(summary = "Get a product")
  @GetMapping("/{productId}")
  Mono<ProductView> get(@PathVariable String merchantId, @PathVariable String productId) {
    return customer()
        .flatMap(
            c ->
                products
                    .get(merchantId, productId)
                    .filter(p -> !c || p.status() == ProductStatus.ACTIVE)
                    .switchIfEmpty(Mono.error(() -> ApiException.notFound("product", productId))))
        .map(ProductView::of);
  }

  @Operation(summary = "Update a product (fields left out are unchanged)")
  @PatchMapping("/{productId}")
  Mono<ProductView> update(
      @PathVariable String merchantId,
      @PathVariable String productId,
      @Valid @RequestBody ProductRequests.Update body) {
    return products.update(merchantId, productId, body).map(ProductView::of);
  }

  @Operation(summary = "Archive a product (orders keep their history)")
  @DeleteMapping("/{productId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> archive(@PathVariable String merchantId, @PathVariable String productId) {
    return products.archive(merchantId, productId).then();
  }
}
