package io.kaleem.api.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/** A failure the client can act on: becomes a problem+json response of its {@link ProblemType}. */
public class ApiException extends RuntimeException {

  private final ProblemType type;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  public ApiException(ProblemType type, String detail) {
    super(detail);
    this.type = type;
  }

  public ProblemType type() {
    return type;
  }

  public Map<String, Object> properties() {
    return properties;
  }

  public ApiException with(String name, Object value) {
    properties.put(name, value);
    return this;
  }

  public static ApiException notFound(String resource, String id) {
    return new ApiException(ProblemType.NOT_FOUND, resource + " '" + id + "' does not exist")
        .with("resource", resource);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(ProblemType.CONFLICT, detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(ProblemType.MALFORMED_REQUEST, detail);
  }

  /** One invalid parameter, reported like a bean-validation field error. */
  public static ApiException invalidField(String field, String message) {
    return new ApiException(ProblemType.VALIDATION, "'" + field + "' " + message)
        .with("errors", java.util.List.of(new FieldError(field, message)));
  }
}
