package io.kaleem.api.tenant;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which tenant this deployment serves. The operator renders these from the {@code KaleemTenant};
 * {@code make run} uses the defaults.
 *
 * @param id the tenant's name (the {@code KaleemTenant}'s metadata.name)
 * @param plan the tenant's platform plan, as the operator was told
 */
@ConfigurationProperties("kaleem.tenant")
public record TenantProperties(
    @DefaultValue("local") String id, @DefaultValue("dev") String plan) {}
