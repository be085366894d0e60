package io.kaleem.crds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API depends on this module for the renderer while fabric8 stays optional here: prove the
 * renderer and the spec types work with nothing but this module's classes and the JDK.
 */
class RendererNeedsNoFabric8Test {

  @Test
  void rendersWithOnlyThisModulesClassesOnTheClasspath() throws Exception {
    URL classes = Path.of("target/classes").toUri().toURL();
    try (URLClassLoader isolated =
        new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass("io.fabric8.kubernetes.client.CustomResource"))
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> specType = isolated.loadClass("io.kaleem.crds.v1alpha1.KaleemTenantSpec");
      Object spec = specType.getConstructor().newInstance();
      specType.getField("plan").set(spec, "growth");
      Object database = specType.getField("database").get(spec);
      database.getClass().getField("name").set(database, "acme");

      Class<?> renderer = isolated.loadClass("io.kaleem.crds.config.TenantConfigRenderer");
      Method render = renderer.getMethod("render", String.class, specType);
      @SuppressWarnings("unchecked")
      Map<String, String> props = (Map<String, String>) render.invoke(null, "acme", spec);
      assertThat(props)
          .containsEntry("kaleem.tenant.id", "acme")
          .containsEntry("spring.mongodb.database", "acme")
          .containsEntry("kaleem.cache.warming.schedule", "0 */15 * * * *");
    }
  }
}
