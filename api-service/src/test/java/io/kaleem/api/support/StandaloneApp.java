package io.kaleem.api.support;

import io.kaleem.api.KaleemApiApplication;
import io.kaleem.api.security.AccessTokenIssuer;
import io.kaleem.api.security.AuthenticatedUser;
import io.kaleem.api.security.Role;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Starts the real application outside the shared test context, with the given properties. */
public final class StandaloneApp implements AutoCloseable {

  public final ConfigurableApplicationContext context;
  public final WebTestClient http;

  private StandaloneApp(ConfigurableApplicationContext context) {
    this.context = context;
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    // A platform admin's token from the app's own issuer; the subject need not be stored.
    String admin =
        context
            .getBean(AccessTokenIssuer.class)
            .issue(
                new AuthenticatedUser(
                    new org.bson.types.ObjectId().toHexString(), Role.PLATFORM_ADMIN, null, null));
    this.http =
        WebTestClient.bindToServer()
            .baseUrl("http://127.0.0.1:" + port)
            .defaultHeader(org.springframework.http.HttpHeaders.AUTHORIZATION, "Bearer " + admin)
            .responseTimeout(java.time.Duration.ofSeconds(30))
            .build();
  }

  public static StandaloneApp start(String... properties) {
    List<String> args =
        new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
    for (String p : properties) {
      args.add("--" + p);
    }
    return new StandaloneApp(
        new SpringApplicationBuilder(KaleemApiApplication.class).run(args.toArray(String[]::new)));
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }
}
