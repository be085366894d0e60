package io.kaleem.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.kaleem.mockapi.ServerSideApplyCrudDispatcher;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server-side apply rules the test API server follows (its class comment lists them). */
class ServerSideApplyCrudDispatcherTest {

  static final String NS = "ns";
  static final String US = "kaleem-operator";

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void up() {
    server =
        new KubernetesMockServer(
            new io.fabric8.mockwebserver.Context(),
            new io.fabric8.mockwebserver.MockWebServer(),
            new HashMap<>(),
            new ServerSideApplyCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void down() {
    client.close();
    server.destroy();
  }

  static ConfigMap cm(Map<String, String> labels, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("c")
        .withNamespace(NS)
        .withLabels(labels)
        .endMetadata()
        .withData(data)
        .build();
  }

  ConfigMap apply(ConfigMap c) {
    return client.resource(c).fieldManager(US).forceConflicts().serverSideApply();
  }

  /** Another writer's ordinary update: a label, and with {@code data} a data key. */
  static ConfigMap theirEdit(ConfigMap c, boolean data) {
    ConfigMapBuilder b =
        new ConfigMapBuilder(c).editMetadata().addToLabels("team", "t").endMetadata();
    return data ? b.addToData("theirs", "x").build() : b.build();
  }

  ConfigMap live() {
    return client.configMaps().inNamespace(NS).withName("c").get();
  }

  @Test
  void anApplyCreatesTheObjectAndRecordsTheManagersFields() {
    ConfigMap created = apply(cm(Map.of("app", "a"), Map.of("k", "v1")));

    assertThat(created.getMetadata().getUid()).isNotNull();
    assertThat(live().getData()).containsExactly(Map.entry("k", "v1"));
    List<ManagedFieldsEntry> entries = live().getMetadata().getManagedFields();
    assertThat(entries).hasSize(1);
    ManagedFieldsEntry e = entries.get(0);
    assertThat(e.getManager()).isEqualTo(US);
    assertThat(e.getOperation()).isEqualTo("Apply");
    assertThat(e.getApiVersion()).isEqualTo("v1");
    assertThat(e.getFieldsType()).isEqualTo("FieldsV1");
    assertThat(e.getFieldsV1().getAdditionalProperties())
        .isEqualTo(
            Map.of(
                "f:data", Map.of("f:k", Map.of()),
                "f:metadata", Map.of("f:labels", Map.of("f:app", Map.of()))));
  }

  @Test
  void reapplyingRemovesTheFieldsDroppedAndKeepsAnotherWritersFields() {
    apply(cm(Map.of("app", "a", "old", "x"), Map.of("k", "v1", "gone", "g")));
    // Another writer adds a label and a data key by an ordinary update.
    client.configMaps().inNamespace(NS).withName("c").edit(c -> theirEdit(c, true));

    apply(cm(Map.of("app", "a"), Map.of("k", "v2")));

    ConfigMap now = live();
    assertThat(now.getData()).containsOnly(Map.entry("k", "v2"), Map.entry("theirs", "x"));
    assertThat(now.getMetadata().getLabels())
        .containsOnly(Map.entry("app", "a"), Map.entry("team", "t"));
  }

  @Test
  void aFieldAnotherApplierStillOwnsSurvivesOurDroppingIt() {
    apply(cm(Map.of(), Map.of("k", "v", "shared", "s")));
    client
        .resource(cm(Map.of(), Map.of("shared", "s")))
        .fieldManager("someone-else")
        .forceConflicts()
        .serverSideApply();

    apply(cm(Map.of(), Map.of("k", "v")));

    assertThat(live().getData()).containsOnly(Map.entry("k", "v"), Map.entry("shared", "s"));
    assertThat(live().getMetadata().getManagedFields())
        .extracting(ManagedFieldsEntry::getManager)
        .containsExactlyInAnyOrder("someone-else", US);
  }

  @Test
  void anUnchangedApplyIsNoWriteAndAChangedOneIsOneWatchEvent() throws Exception {
    apply(cm(Map.of("app", "a"), Map.of("k", "v1")));
    String rv = live().getMetadata().getResourceVersion();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Watch w =
        client
            .configMaps()
            .inNamespace(NS)
            .withResourceVersion(rv)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action a, ConfigMap c) {
                    events.add(a + " " + c.getData().get("k"));
                  }

                  @Override
                  public void onClose(WatcherException e) {}
                });
    try {
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED v1");
      apply(cm(Map.of("app", "a"), Map.of("k", "v1")));
      assertThat(live().getMetadata().getResourceVersion()).isEqualTo(rv);

      apply(cm(Map.of("app", "a"), Map.of("k", "v2")));
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("MODIFIED v2");
      assertThat(Long.parseLong(live().getMetadata().getResourceVersion()))
          .isGreaterThan(Long.parseLong(rv));
    } finally {
      w.close();
    }
  }

  @Test
  void aResourceVersionOnAnApplyToAnExistingObjectIsAPreconditionSoItIsNeverAdopted() {
    // Not the mock's first object: resourceVersion "1" must not be its version.
    client.resource(cm(Map.of(), Map.of("k", "first"))).create();
    client
        .configMaps()
        .inNamespace(NS)
        .withName("c")
        .edit(c -> cm(Map.of(), Map.of("k", "theirs")));
    ConfigMap ours = cm(Map.of(), Map.of("k", "ours"));
    ours.getMetadata().setResourceVersion("1");

    KubernetesClientException e =
        catchThrowableOfType(KubernetesClientException.class, () -> apply(ours));

    assertThat(e.getCode()).isEqualTo(409);
    assertThat(live().getData()).containsEntry("k", "theirs");
    client.resource(live()).delete();
    ConfigMap again = cm(Map.of(), Map.of("k", "ours"));
    again.getMetadata().setResourceVersion("1");
    apply(again);
    assertThat(live().getData()).containsEntry("k", "ours");
  }

  @Test
  void josdksMatcherReadsTheManagedFields() {
    ConfigMap desired = cm(Map.of("app", "a"), Map.of("k", "v1"));
    apply(desired);
    client.configMaps().inNamespace(NS).withName("c").edit(c -> theirEdit(c, false));
    var matcher = SSABasedGenericKubernetesResourceMatcher.<ConfigMap>getInstance();
    Context<?> ctx = context();

    assertThat(matcher.matches(live(), cm(Map.of("app", "a"), Map.of("k", "v1")), ctx)).isTrue();
    assertThat(matcher.matches(live(), cm(Map.of("app", "a"), Map.of("k", "v2")), ctx)).isFalse();
    assertThat(matcher.matches(live(), cm(Map.of("app", "b"), Map.of("k", "v1")), ctx)).isFalse();
  }

  /** The two things the matcher asks of a Context: the field manager and the client. */
  Context<?> context() {
    ControllerConfiguration<?> config =
        (ControllerConfiguration<?>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ControllerConfiguration.class},
                (p, m, a) -> {
                  if (m.getName().equals("fieldManager")) {
                    return US;
                  }
                  throw new UnsupportedOperationException(m.getName());
                });
    return (Context<?>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Context.class},
            (p, m, a) ->
                switch (m.getName()) {
                  case "getControllerConfiguration" -> config;
                  case "getClient" -> client;
                  default -> throw new UnsupportedOperationException(m.getName());
                });
  }
}
