package io.kaleem.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;

/**
 * NOTES.txt, as `helm install` prints it (a client-side dry run): how to follow the release, and a
 * warning for each network-policy gap a values file leaves open.
 */
class NotesTest {

  private static String notes(String valuesFile) {
    var install =
        new Helm(Chart.DIR)
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeVersion(Chart.KUBE_VERSION)
            .dryRun()
            .withDryRunOption(DryRun.CLIENT)
            .clientOnly();
    if (valuesFile != null) {
      install.withValuesFile(Chart.DIR.resolve(valuesFile));
    }
    String out = install.call().getOutput();
    return out.substring(out.indexOf("NOTES:"));
  }

  @Test
  void defaultsWarnAboutTheOpenEgress() {
    String notes = notes(null);
    assertThat(notes)
        .contains("2 replica(s) of ghcr.io/kaleem/kaleem-operator:" + Chart.appVersion())
        .contains("watching every namespace")
        .contains("kubectl -n kaleem-system rollout status deployment/kaleem-operator")
        .contains("NOTE: networkPolicy.apiServer.cidrs is empty")
        .contains("NOTE: networkPolicy.databases.peers is empty")
        .contains("helm test kaleem -n kaleem-system");
  }

  @Test
  void productionNamesItsTenantsAndHasNoGaps() {
    String notes = notes("values-production.yaml");
    assertThat(notes)
        .contains("watching namespaces kaleem-production")
        .contains("kaleem-production/kaleem-sa  https://api.kaleem.example")
        .doesNotContain("NOTE:");
  }

  @Test
  void devPointsAtItsCredentials() {
    assertThat(notes("values-dev.yaml"))
        .contains("throw-away environments only")
        .contains("get secret kaleem-dev-credentials");
  }
}
