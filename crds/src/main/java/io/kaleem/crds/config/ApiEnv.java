package io.kaleem.crds.config;

import java.util.Set;

/**
 * The environment variables through which the operator hands the API its secrets and profile. The
 * API's {@code application.yml} reads the same names; both sides use these constants.
 */
public final class ApiEnv {

  /** {@code prod}: no embedded database, no demo data or accounts, configured keys only. */
  public static final String PROFILES = "SPRING_PROFILES_ACTIVE";

  public static final String PROD_PROFILE = "prod";

  public static final String CONFIG_IMPORT = "SPRING_CONFIG_IMPORT";
  public static final String MONGODB_URI = "MONGODB_URI";
  public static final String JWT_JWKS = "KALEEM_JWT_JWKS";
  public static final String CURSOR_SECRET = "KALEEM_PAGINATION_CURSOR_SECRET";
  public static final String REDIS_URL = "REDIS_URL";

  /** Spring Boot's relaxed name of {@code spring.rabbitmq.addresses} (AMQP URIs). */
  public static final String AMQP_ADDRESSES = "SPRING_RABBITMQ_ADDRESSES";

  /** Names only the operator sets; a tenant's {@code api.env} may not. */
  public static final Set<String> RESERVED =
      Set.of(
          PROFILES,
          CONFIG_IMPORT,
          MONGODB_URI,
          JWT_JWKS,
          CURSOR_SECRET,
          REDIS_URL,
          AMQP_ADDRESSES,
          "KALEEM_SECURITY_DEMO_USERS_ENABLED");

  private ApiEnv() {}
}
