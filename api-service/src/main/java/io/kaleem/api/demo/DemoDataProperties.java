package io.kaleem.api.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Size of the demo tenant {@code make run} loads into an empty embedded database.
 *
 * @param products products across the three demo merchants
 * @param ordersPerMerchant orders placed at each merchant (a quarter get a support ticket)
 */
@ConfigurationProperties("kaleem.demo")
public record DemoDataProperties(
    @DefaultValue("3000") int products, @DefaultValue("20") int ordersPerMerchant) {}
