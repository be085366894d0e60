package io.kaleem.api.errors;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * The stable problem types the API answers with (RFC 9457 {@code type}). Clients switch on these
 * URIs, never on {@code detail} text, so a type is never renamed once published.
 */
public enum ProblemType {
  VALIDATION("validation", HttpStatus.BAD_REQUEST, "Request validation failed"),
  MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "Malformed request"),
  INVALID_CURSOR("invalid-cursor", HttpStatus.BAD_REQUEST, "Invalid pagination cursor"),
  UNSUPPORTED_QUERY("unsupported-query", HttpStatus.BAD_REQUEST, "Unsupported query"),
  UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required"),
  FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),
  NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Resource not found"),
  METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
  NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
  CONFLICT("conflict", HttpStatus.CONFLICT, "Conflict"),
  PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
  RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
  UNPROCESSABLE("unprocessable", HttpStatus.UNPROCESSABLE_CONTENT, "Request cannot be processed"),
  SERVICE_UNAVAILABLE(
      "service-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service temporarily unavailable"),
  INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

  /** Base of every type URI; the path names the problem. */
  public static final String BASE = "https://kaleem.io/problems/";

  private final String slug;
  private final URI uri;
  private final HttpStatus status;
  private final String title;

  ProblemType(String slug, HttpStatus status, String title) {
    this.slug = slug;
    this.uri = URI.create(BASE + slug);
    this.status = status;
    this.title = title;
  }

  /** The last path segment of {@link #uri()}: the {@code error_type} label of HTTP metrics. */
  public String slug() {
    return slug;
  }

  /** The type with this slug, or null. */
  public static ProblemType ofSlug(String slug) {
    for (ProblemType t : values()) {
      if (t.slug.equals(slug)) {
        return t;
      }
    }
    return null;
  }

  public URI uri() {
    return uri;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The type for an HTTP status the framework raised on its own. */
  public static ProblemType forStatus(int status) {
    for (ProblemType t : values()) {
      if (t.status.value() == status) {
        return t;
      }
    }
    return status >= 500 ? INTERNAL : MALFORMED_REQUEST;
  }
}
