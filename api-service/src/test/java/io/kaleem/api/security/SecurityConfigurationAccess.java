package io.kaleem.api.security;

import org.springframework.web.cors.reactive.CorsConfigurationSource;

/** Test access to the package-private CORS source builder. */
public final class SecurityConfigurationAccess {

  private SecurityConfigurationAccess() {}

  public static CorsConfigurationSource cors(SecurityProperties.Cors cfg) {
    return SecurityConfiguration.cors(cfg);
  }
}
