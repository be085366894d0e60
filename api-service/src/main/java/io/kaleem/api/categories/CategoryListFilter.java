package io.kaleem.api.categories;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * @param parentId children of this category ({@code root} for top-level ones), in sort order
 * @param q search in Arabic or English names and slug
 */
public record CategoryListFilter(
    @Pattern(regexp = CategoryRequests.PARENT, message = "must be a 24-character id or 'root'")
        String parentId,
    @Size(max = 100) String q) {}
