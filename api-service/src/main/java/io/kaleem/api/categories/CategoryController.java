package io.kaleem.api.categories;

import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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

@Tag(name = "categories", description = "A merchant's category tree")
@RestController
@RequestMapping("/api/v1/merchants/{merchantId}/categories")
class CategoryController {

  private final CategoryService categories;

  CategoryController(CategoryService categories) {
    this.categories = categories;
  }

  @Operation(summary = "Create a category (under parentId, or as a root)")
  @PostMapping
  Mono<ResponseEntity<CategoryView>> create(
      @PathVariable String merchantId, @Valid @RequestBody CategoryRequests.Create body) {
    return categories
        .create(merchantId, body)
        .map(
            c ->
                ResponseEntity.created(
                        URI.create(
                            "/api/v1/merchants/"
                                + merchantId
                                + "/categories/"
                                + c.id().toHexString()))
                    .body(CategoryView.of(c)));
  }

  @Operation(summary = "List categories (children of parentId in order, search, or newest)")
  @GetMapping
  Mono<Page<CategoryView>> list(
      @PathVariable String merchantId,
      @Valid @ParameterObject CategoryListFilter filter,
      @ParameterObject PageParams page) {
    return categories.list(merchantId, filter, page).map(p -> p.map(CategoryView::of));
  }

  @Operation(summary = "The whole category tree, nested")
  @GetMapping("/tree")
  Mono<List<CategoryNode>> tree(@PathVariable String merchantId) {
    return categories.tree(merchantId);
  }

  @Operation(summary = "Get a category")
  @GetMapping("/{categoryId}")
  Mono<CategoryView> get(@PathVariable String merchantId, @PathVariable String categoryId) {
    return categories.get(merchantId, categoryId).map(CategoryView::of);
  }

  @Operation(summary = "Update or move a category (its subtree moves with it)")
  @PatchMapping("/{categoryId}")
  Mono<CategoryView> update(
      @PathVariable String merchantId,
      @PathVariable String categoryId,
      @Valid @RequestBody CategoryRequests.Update body) {
    return categories.update(merchantId, categoryId, body).map(CategoryView::of);
  }

  @Operation(summary = "Delete an empty leaf category")
  @DeleteMapping("/{categoryId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> delete(@PathVariable String merchantId, @PathVariable String categoryId) {
    return categories.delete(merchantId, categoryId);
  }
}
