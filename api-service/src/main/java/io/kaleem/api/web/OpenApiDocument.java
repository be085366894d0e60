package io.kaleem.api.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's fixed parts. Its server is {@code kaleem.public-url}: springdoc would
 * otherwise derive it from the request's {@code Host} / {@code X-Forwarded-*} headers, and Swagger
 * UI's "Try it out" sends the bearer token to that server. The bearer scheme lets the UI authorise.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

  static final String BEARER = "bearer";

  @Bean
  OpenAPI kaleemOpenApi(@Value("${kaleem.public-url}") String publicUrl) {
    return new OpenAPI()
        .info(new Info().title("Kaleem API").version("v1"))
        .servers(java.util.List.of(new Server().url(publicUrl)))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }
}
