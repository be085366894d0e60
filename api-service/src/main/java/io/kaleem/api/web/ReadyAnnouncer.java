package io.kaleem.api.web;

import io.kaleem.api.tenant.TenantProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says where the API and its documentation are once it is ready to serve. */
@Component
class ReadyAnnouncer {

  private static final Logger log = LoggerFactory.getLogger(ReadyAnnouncer.class);

  private final TenantProperties tenant;

  ReadyAnnouncer(TenantProperties tenant) {
    this.tenant = tenant;
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      String base = "http://localhost:" + web.getWebServer().getPort();
      log.info(
          "Kaleem API ready for tenant '{}': {}/api/v1, OpenAPI UI {}/api/docs, health {}/api/health",
          tenant.id(),
          base,
          base,
          base);
    }
  }
}
