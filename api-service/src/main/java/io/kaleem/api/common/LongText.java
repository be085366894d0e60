package io.kaleem.api.common;

import jakarta.validation.constraints.Size;

/** Longer text (descriptions) in Arabic and English, both optional. */
public record LongText(@Size(max = 5000) String ar, @Size(max = 5000) String en) {}
