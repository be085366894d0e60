package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.kaleem.operator.ApiAccess;
import io.kaleem.operator.ApiAccess.Scope;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart grants the operator exactly what {@link ApiAccess} says it uses: the same (group,
 * resource, name, verb) tuples, in the right kind of role, nothing more. A new API call in the
 * operator goes into ApiAccess, and this test fails until the chart grants it.
 */
class RbacTest {

  private static final String OPERATOR = "kaleem-operator";

  @Test
  void clusterModeGrantsExactlyTheOperatorsTable() {
    List<HasMetadata> objects = Chart.objects(Chart.template((String) null));

    ClusterRole cr = Chart.one(objects, ClusterRole.class, OPERATOR);
    assertThat(grants(cr.getRules()))
        .containsExactlyElementsOf(expected(Scope.WATCHED_NAMESPACES, Scope.CLUSTER));

    Role lease = Chart.one(objects, Role.class, OPERATOR + "-leader-election");
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(grants(lease.getRules()))
        .containsExactlyElementsOf(expected(Scope.OPERATOR_NAMESPACE));

    // No other role: the two above are the operator's whole authority.
    assertThat(Chart.all(objects, ClusterRole.class)).hasSize(1);
    assertThat(Chart.all(objects, Role.class)).hasSize(1);

    ServiceAccount sa = Chart.one(objects, ServiceAccount.class, OPERATOR);
    ClusterRoleBinding crb = Chart.one(objects, ClusterRoleBinding.class, OPERATOR);
    assertThat(crb.getRoleRef().getName()).isEqualTo(OPERATOR);
    assertThat(crb.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
              assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
            });
    RoleBinding rb = Chart.one(objects, RoleBinding.class, OPERATOR + "-leader-election");
    assertThat(rb.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
  }

  @Test
  void namespacedModeKeepsTenantGrantsInTheWatchedNamespaces() {
    List<HasMetadata> objects =
        Chart.objects(
            Chart.template(
                t ->
                    t.set("operator.watchNamespaces[0]", "shops")
                        .set("operator.watchNamespaces[1]", "market")));

    // Only cluster-scoped resources stay in a ClusterRole.
    ClusterRole cr = Chart.one(objects, ClusterRole.class, OPERATOR);
    assertThat(grants(cr.getRules())).containsExactlyElementsOf(expected(Scope.CLUSTER));

    List<Role> tenantRoles =
        Chart.all(objects, Role.class).stream()
            .filter(r -> r.getMetadata().getName().equals(OPERATOR))
            .toList();
    assertThat(tenantRoles)
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("shops", "market");
    for (Role r : tenantRoles) {
      assertThat(grants(r.getRules()))
          .containsExactlyElementsOf(expected(Scope.WATCHED_NAMESPACES));
    }
    assertThat(Chart.all(objects, RoleBinding.class))
        .extracting(b -> b.getMetadata().getNamespace() + "/" + b.getRoleRef().getName())
        .containsExactlyInAnyOrder(
            "shops/" + OPERATOR,
            "market/" + OPERATOR,
            Chart.NAMESPACE + "/" + OPERATOR + "-leader-election");

    var env =
        Chart.one(objects, io.fabric8.kubernetes.api.model.apps.Deployment.class, OPERATOR)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().equals("WATCH_NAMESPACES"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("shops,market"));
  }

  @Test
  void noWildcardsAnywhere() {
    for (String values : Chart.VALUES_FILES) {
      List<HasMetadata> objects = Chart.objects(Chart.template(values));
      Stream.concat(
              Chart.all(objects, ClusterRole.class).stream().flatMap(r -> r.getRules().stream()),
              Chart.all(objects, Role.class).stream().flatMap(r -> r.getRules().stream()))
          .forEach(
              r ->
                  assertThat(
                          Stream.of(r.getApiGroups(), r.getResources(), r.getVerbs())
                              .flatMap(List::stream))
                      .as(values)
                      .doesNotContain("*"));
    }
  }

  static Set<String> grants(List<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      List<String> names = r.getResourceNames() == null ? List.of() : r.getResourceNames();
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            out.add(tuple(g, res, names, v));
          }
        }
      }
    }
    return out;
  }

  static Set<String> expected(Scope... scopes) {
    Set<Scope> wanted = Set.of(scopes);
    Set<String> out = new TreeSet<>();
    for (ApiAccess.Grant g : ApiAccess.GRANTS) {
      if (wanted.contains(g.scope())) {
        g.verbs().forEach(v -> out.add(tuple(g.apiGroup(), g.resource(), g.resourceNames(), v)));
      }
    }
    return out;
  }

  private static String tuple(String group, String resource, List<String> names, String verb) {
    return (group.isEmpty() ? "core" : group)
        + "/"
        + resource
        + (names.isEmpty() ? "" : names.stream().sorted().toList().toString())
        + ":"
        + verb;
  }
}
