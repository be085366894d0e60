package io.kaleem.api.web;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.NumberDeserializers;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON is read strictly (docs/API.md, "Request bodies").
 *
 * <p>Every JSON read (request bodies, events, WebSocket messages): a key appears once in an object;
 * an integer field takes a JSON integer only, never a fraction ({@code 1.5} is not truncated to 1),
 * a string ({@code "12"}, and so never Arabic-Indic or full-width digits, which Java's number
 * parsing would accept) or a boolean; a decimal field takes a JSON number.
 *
 * <p>Request bodies in addition ({@link StrictJsonDecoder}): well-formed UTF-8 (no overlong forms,
 * encoded surrogates or code points past U+10FFFF), every string passes {@link RequestText}, and a
 * decimal may also be a string of ASCII digits ({@code "13.25"}: money as text is common and keeps
 * its exact digits).
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

  private static final Pattern ASCII_DECIMAL = Pattern.compile("-?[0-9]{1,30}(\\.[0-9]{1,30})?");

  @Bean
  JsonMapperBuilderCustomizer strictJsonReading() {
    return builder ->
        builder
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(
                LogicalType.Integer,
                c ->
                    c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Float,
                c ->
                    c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
  }

  /**
   * Replaces the JSON decoder Boot registers (order 0) with one over the same mapper plus the
   * request-only rules.
   */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  CodecCustomizer strictJsonBodies(JsonMapper json) {
    JsonMapper requests = json.rebuild().addModule(requestRules()).build();
    return configurer ->
        configurer.defaultCodecs().jacksonJsonDecoder(new StrictJsonDecoder(requests));
  }

  static SimpleModule requestRules() {
    SimpleModule module = new SimpleModule("kaleem-request-rules");
    module.addDeserializer(String.class, new CheckedString());
    module.addDeserializer(BigDecimal.class, new AsciiDecimal());
    return module;
  }

  /** Strings that pass {@link RequestText}. */
  static final class CheckedString extends StdScalarDeserializer<String> {

    CheckedString() {
      super(String.class);
    }

    @Override
    public LogicalType logicalType() {
      return LogicalType.Textual;
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) {
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      String problem = value == null ? null : RequestText.problem(value);
      if (problem != null) {
        throw InvalidFormatException.from(p, problem, null, String.class);
      }
      return value;
    }
  }

  /** A JSON number, or a string of ASCII digits with an optional fraction. */
  static final class AsciiDecimal extends StdScalarDeserializer<BigDecimal> {

    AsciiDecimal() {
      super(BigDecimal.class);
    }

    @Override
    public LogicalType logicalType() {
      return LogicalType.Float;
    }

    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        String text = p.getString().strip();
        if (!ASCII_DECIMAL.matcher(text).matches()) {
          throw InvalidFormatException.from(
              p, "must be a number (ASCII digits, optional fraction)", null, BigDecimal.class);
        }
        return new BigDecimal(text);
      }
      return NumberDeserializers.BigDecimalDeserializer.instance.deserialize(p, ctxt);
    }
  }
}
