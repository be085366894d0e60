package io.kaleem.api.errors;

/** One rejected field of a request: its path (e.g. {@code items[0].quantity}) and why. */
public record FieldError(String field, String message) {}
