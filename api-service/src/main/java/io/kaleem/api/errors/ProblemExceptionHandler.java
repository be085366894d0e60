package io.kaleem.api.errors;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every failure into RFC 9457 problem+json with a stable {@code type}. Framework errors keep
 * their status but get our types and a detail a client can act on; unexpected errors are logged and
 * answered without internals.
 */
@RestControllerAdvice
class ProblemExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e, ServerWebExchange exchange) {
    return respond(exchange, Problems.of(e));
  }

  @ExceptionHandler(DuplicateKeyException.class)
  ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e, ServerWebExchange exchange) {
    return respond(
        exchange,
        Problems.of(ProblemType.CONFLICT, "A resource with the same unique key already exists"));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
    log.error(
        "Unhandled error on {} {}",
        exchange.getRequest().getMethod(),
        exchange.getRequest().getPath(),
        e);
    return respond(exchange, Problems.of(ProblemType.INTERNAL, "An unexpected error occurred"));
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
      WebExchangeBindException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    return Mono.just(asObject(exchange, validation(ex.getBindingResult())));
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    List<FieldError> errors = new ArrayList<>();
    ex.getParameterValidationResults()
        .forEach(
            r ->
                r.getResolvableErrors()
                    .forEach(
                        err ->
                            errors.add(
                                new FieldError(
                                    r.getMethodParameter().getParameterName(),
                                    err.getDefaultMessage()))));
    return Mono.just(asObject(exchange, validationProblem(errors)));
  }

  @Override
  protected Mono<ResponseEntity<Object>> handleServerWebInputException(
      ServerWebInputException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    Throwable cause = rootCause(ex);
    if (cause instanceof DataBufferLimitException) {
      return Mono.just(
          asObject(
              exchange,
              Problems.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body exceeds 1 MiB")));
    }
    return Mono.just(asObject(exchange, inputProblem(ex, cause)));
  }

  /** A path no route serves (WebFlux reports it as a missing static resource). */
  @Override
  protected Mono<ResponseEntity<Object>> handleResponseStatusException(
      ResponseStatusException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      ServerWebExchange exchange) {
    if (ex instanceof NoResourceFoundException) {
      return Mono.just(
          asObject(
              exchange,
              Problems.of(
                  ProblemType.NOT_FOUND,
                  "There is no such route: check the method and path against docs/API.md")));
    }
    return super.handleResponseStatusException(ex, headers, status, exchange);
  }

  @Override
  protected Mono<ResponseEntity<Object>> createResponseEntity(
      Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
    // Framework-raised errors (405, 406, 415, 404 for unknown routes...) get our stable types.
    if (body instanceof ProblemDetail problem
        && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
      ProblemType type = ProblemType.forStatus(status.value());
      problem.setType(type.uri());
      if (problem.getTitle() == null) {
        problem.setTitle(type.title());
      }
    }
    if (body instanceof ProblemDetail problem) {
      Problems.answered(exchange, problem);
    }
    return super.createResponseEntity(body, headers, status, exchange);
  }

  /**
   * A body that could not be read: the field it failed at (as {@code field}) and what that field
   * takes, never the exception's own text (it names Java types).
   */
  private static ProblemDetail inputProblem(ServerWebInputException ex, Throwable cause) {
    String field = null;
    String detail;
    if (cause instanceof InvalidBodyField f) {
      field = f.field();
      detail = "Invalid value for '" + field + "': " + f.getMessage();
    } else if (cause instanceof UnrecognizedPropertyException u) {
      field = path(u);
      detail = "Unknown field '" + field + "': this endpoint does not accept it";
    } else if (cause instanceof MismatchedInputException m) {
      field = path(m);
      detail = "Invalid value for '" + field + "': " + expected(m);
    } else if (cause instanceof StreamReadException r
        && r.getOriginalMessage() != null
        && r.getOriginalMessage().startsWith("Duplicate ")) {
      field = path(r);
      detail = "Duplicate field '" + field + "': each field may appear once";
    } else if (ex.getCause() instanceof TypeMismatchException t) {
      field =
          ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null
              ? ex.getMethodParameter().getParameterName()
              : t.getPropertyName();
      detail = "Invalid value for '" + field + "': " + describe(t.getRequiredType());
    } else if (cause instanceof JacksonException || cause instanceof DecodingException) {
      detail = "The request body is not valid JSON";
    } else {
      detail = ex.getReason() != null ? ex.getReason() : "The request is malformed";
    }
    ProblemDetail problem = Problems.of(ProblemType.MALFORMED_REQUEST, detail);
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }

  /** What a field of the target type takes, in JSON terms. */
  private static String expected(MismatchedInputException m) {
    Class<?> type = m.getTargetType();
    if ((type == String.class || type == java.math.BigDecimal.class)
        && m instanceof InvalidFormatException) {
      return m.getOriginalMessage();
    }
    return describe(type);
  }

  /** What a value of {@code type} must look like, in the client's terms (never a Java name). */
  private static String describe(Class<?> type) {
    if (type == null) {
      return "has the wrong type or shape";
    }
    if (type.isEnum()) {
      return "must be one of "
          + String.join(
              ", ",
              java.util.Arrays.stream(type.getEnumConstants())
                  .map(c -> ((Enum<?>) c).name())
                  .toList());
    }
    if (type == Integer.class
        || type == int.class
        || type == Long.class
        || type == long.class
        || type == Short.class
        || type == short.class) {
      return "must be a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
      return "must be a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "must be an array";
    }
    if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
      return "must be an ISO-8601 date-time";
    }
    return "must be an object of the documented shape";
  }

  /** The field an exception happened at: its path, or where the parser stood. */
  private static String path(JacksonException e) {
    StringBuilder sb = new StringBuilder();
    e.getPath()
        .forEach(
            ref -> {
              if (ref.getPropertyName() != null) {
                if (!sb.isEmpty()) {
                  sb.append('.');
                }
                sb.append(ref.getPropertyName());
              } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
              }
            });
    if (sb.isEmpty() && e.processor() instanceof JsonParser p) {
      return InvalidBodyField.field(p.streamReadContext().pathAsPointer(), "body");
    }
    return sb.isEmpty() ? "body" : sb.toString();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static ProblemDetail validation(BindingResult result) {
    List<FieldError> errors = new ArrayList<>();
    result
        .getFieldErrors()
        .forEach(
            f ->
                errors.add(
                    new FieldError(
                        f.getField(),
                        f.isBindingFailure() ? bindingFailure(f) : f.getDefaultMessage())));
    result
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldError(g.getObjectName(), g.getDefaultMessage())));
    return validationProblem(errors);
  }

  /**
   * A query parameter that could not be converted: what it takes (the allowed values of an enum),
   * never the converter's message, which names Java types.
   */
  private static String bindingFailure(org.springframework.validation.FieldError f) {
    ConversionFailedException conversion =
        f.unwrap(TypeMismatchException.class) == null
            ? null
            : findCause(f.unwrap(TypeMismatchException.class), ConversionFailedException.class);
    Class<?> type = null;
    if (conversion != null && conversion.getTargetType() != null) {
      TypeDescriptor target = conversion.getTargetType();
      TypeDescriptor element =
          target.isCollection() || target.isArray() ? target.getElementTypeDescriptor() : target;
      type = element == null ? null : element.getType();
    } else if (f.unwrap(TypeMismatchException.class) != null) {
      type = f.unwrap(TypeMismatchException.class).getRequiredType();
    }
    return describe(type);
  }

  private static <T extends Throwable> T findCause(Throwable t, Class<T> kind) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (kind.isInstance(c)) {
        return kind.cast(c);
      }
    }
    return null;
  }

  private static ProblemDetail validationProblem(List<FieldError> errors) {
    ProblemDetail problem =
        Problems.of(
            ProblemType.VALIDATION,
            errors.size() == 1
                ? "'" + errors.get(0).field() + "' " + errors.get(0).message()
                : errors.size() + " fields are invalid");
    problem.setProperty("errors", errors);
    return problem;
  }

  private static ResponseEntity<ProblemDetail> respond(
      ServerWebExchange exchange, ProblemDetail problem) {
    Problems.answered(exchange, problem);
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }

  private static ResponseEntity<Object> asObject(
      ServerWebExchange exchange, ProblemDetail problem) {
    Problems.answered(exchange, problem);
    return ResponseEntity.status(problem.getStatus()).body(problem);
  }
}
