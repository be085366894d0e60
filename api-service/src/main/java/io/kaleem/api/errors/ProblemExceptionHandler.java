package io.kaleem.api.errors;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
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
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
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
    String detail = describeInputError(ex, cause);
    ProblemDetail problem = Problems.of(ProblemType.MALFORMED_REQUEST, detail);
    return Mono.just(asObject(exchange, problem));
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

  private static String describeInputError(ServerWebInputException ex, Throwable cause) {
    if (cause instanceof UnrecognizedPropertyException u) {
      return "Unknown field '" + u.getPropertyName() + "': this endpoint does not accept it";
    }
    if (cause instanceof InvalidFormatException f) {
      return "Invalid value for '" + path(f) + "': " + f.getValue();
    }
    if (cause instanceof MismatchedInputException m) {
      return "Invalid JSON for '" + path(m) + "': wrong type or shape";
    }
    if (cause instanceof DecodingException || ex.getCause() instanceof DecodingException) {
      return "The request body is not valid JSON";
    }
    return ex.getReason() != null ? ex.getReason() : "The request is malformed";
  }

  private static String path(MismatchedInputException e) {
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
        .forEach(f -> errors.add(new FieldError(f.getField(), f.getDefaultMessage())));
    result
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldError(g.getObjectName(), g.getDefaultMessage())));
    return validationProblem(errors);
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
