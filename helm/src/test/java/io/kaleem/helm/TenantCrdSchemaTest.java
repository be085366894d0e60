package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every tenant the chart renders satisfies the CRD's own schema, required fields included (the
 * values schema cannot require them: a field may come from tenantDefaults). The API server's CEL
 * rules are not evaluated here; the operator's SpecValidator covers them (TenantsTest).
 */
class TenantCrdSchemaTest {

  private static JsonSchema crdSpec;

  @BeforeAll
  static void loadCrd() throws IOException {
    JsonNode crd =
        new ObjectMapper(new YAMLFactory())
            .readTree(Chart.DIR.resolve("crds/kaleemtenants.kaleem.io-v1.yml").toFile());
    // CEL rules are the API server's to evaluate: known here, so that they are not reported as
    // unknown keywords, and not checked.
    JsonMetaSchema v4 =
        JsonMetaSchema.builder(JsonMetaSchema.getV4().getIri(), JsonMetaSchema.getV4())
            .keyword(new NonValidationKeyword("x-kubernetes-validations"))
            .build();
    crdSpec =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(v4))
            .getSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"));
  }

  @Test
  void everyEnvironmentsTenantsMatchTheCrd() {
    for (String values : Chart.VALUES_FILES) {
      List<HasMetadata> tenants =
          Chart.objects(Chart.template(values)).stream()
              .filter(o -> "KaleemTenant".equals(o.getKind()))
              .toList();
      assertThat(tenants).as(values).isNotEmpty();
      for (HasMetadata t : tenants) {
        assertThat(problems(t)).as(values + " " + t.getMetadata().getName()).isEmpty();
      }
    }
  }

  @Test
  void theCheckSeesAMissingRequiredField() {
    HasMetadata t =
        Chart.objects(Chart.template("values-production.yaml")).stream()
            .filter(o -> "KaleemTenant".equals(o.getKind()))
            .findFirst()
            .orElseThrow();
    JsonNode json = Chart.KUBE.convertValue(t, JsonNode.class);
    ((ObjectNode) json.get("spec")).remove("plan");
    assertThat(crdSpec.validate(json.get("spec")))
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("plan"));
  }

  @Test
  void theChartRefusesWhatTheCrdRequires() {
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.set("tenants[0].name", "noplan")
                            .set("tenants[0].spec.database.name", "x")
                            .set("tenants[0].spec.database.secretRef.name", "x-mongo")))
        .hasMessageContaining("tenants[noplan].spec.plan is required");
    assertThatThrownBy(
            () ->
                Chart.template(
                    t ->
                        t.set("tenantDefaults.spec.api.image", "null")
                            .set("tenants[0].name", "noimage")
                            .set("tenants[0].spec.plan", "starter")
                            .set("tenants[0].spec.database.name", "x")
                            .set("tenants[0].spec.database.secretRef.name", "x-mongo")))
        .hasMessageContaining("tenants[noimage].spec.api.image is required");
  }

  private static Set<ValidationMessage> problems(HasMetadata tenant) {
    JsonNode json = Chart.KUBE.convertValue(tenant, JsonNode.class);
    return crdSpec.validate(json.get("spec"));
  }
}
