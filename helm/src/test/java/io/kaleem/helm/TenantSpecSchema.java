package io.kaleem.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The values schema of a tenant's spec, derived from the CRD's own schema so the two cannot drift:
 * the same fields, types, enums, patterns and ranges, with unknown keys refused ({@code
 * additionalProperties: false}) and Kubernetes-only keywords left out.
 *
 * <p>Fields the CRD requires are not required here outside list items: a tenant's spec is
 * deep-merged over {@code tenantDefaults.spec} before it is rendered (so, say, {@code api.image}
 * may come from the defaults), and the API server checks the merged object against the CRD. List
 * items are never merged, so their required fields stay required.
 */
final class TenantSpecSchema {

  private static final Set<String> KEPT =
      Set.of(
          "type",
          "description",
          "pattern",
          "enum",
          "minimum",
          "maximum",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength");

  private TenantSpecSchema() {}

  static ObjectNode fromCrd(Path crd) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(crd.toFile());
    JsonNode spec = root.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    if (spec.isMissingNode()) {
      throw new IllegalStateException(crd + " has no spec schema");
    }
    return convert(spec, false);
  }

  private static ObjectNode convert(JsonNode in, boolean inListItem) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (in.path("x-kubernetes-int-or-string").asBoolean(false)) {
      ArrayNode any = out.putArray("anyOf");
      any.addObject().put("type", "integer");
      any.addObject().put("type", "string");
      return out;
    }
    for (Map.Entry<String, JsonNode> e : in.properties()) {
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (KEPT.contains(k)) {
        out.set(k, integral(v));
      } else if (k.equals("required") && inListItem) {
        out.set(k, v);
      } else if (k.equals("items")) {
        out.set(k, convert(v, true));
      } else if (k.equals("properties")) {
        ObjectNode props = out.putObject("properties");
        v.properties().forEach(p -> props.set(p.getKey(), convert(p.getValue(), inListItem)));
        out.put("additionalProperties", false);
      } else if (k.equals("additionalProperties") && v.isObject()) {
        out.set(k, convert(v, inListItem));
      }
    }
    return out;
  }

  /** The generator writes bounds as 100.0; JSON Schema means the same by 100. */
  private static JsonNode integral(JsonNode v) {
    if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())) {
      return JsonNodeFactory.instance.numberNode(v.asLong());
    }
    return v;
  }
}
