package io.kaleem.api.products;

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

@Tag(name = "products", description = "A merchant's catalogue")
@RestController
@Validated
@RequestMapping("/api/v1/merchants/{merchantId}/products")
class ProductController {

  private final ProductService products;

  ProductController(ProductService products) {
    this.products = products;
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
    return products.list(merchantId, filter, page).map(p -> p.map(ProductView::of));
  }

  @Operation(summary = "Get a product")
  @GetMapping("/{productId}")
  Mono<ProductView> get(@PathVariable String merchantId, @PathVariable String productId) {
    return products.get(merchantId, productId).map(ProductView::of);
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
