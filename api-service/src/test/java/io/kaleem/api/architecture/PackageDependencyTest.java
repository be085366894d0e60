package io.kaleem.api.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Package dependencies, read from the compiled classes (ArchUnit): the rate limiter is a bucket
 * store that knows none of its callers (only the Redis guard it shares with the cache), and the
 * request-path infrastructure ({@code security}, {@code ratelimit}, {@code redis}, {@code cache})
 * has no cycle. Feature packages still have cycles among themselves (categories, merchants,
 * messaging, orders, products, tickets), which this test does not cover yet.
 */
class PackageDependencyTest {

  static final Set<String> INFRASTRUCTURE = Set.of("security", "ratelimit", "redis", "cache");

  static JavaClasses api;

  @BeforeAll
  static void importApi() {
    api =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kaleem.api");
  }

  @Test
  void theRateLimiterKnowsNoCaller() {
    noClasses()
        .that()
        .resideInAPackage("io.kaleem.api.ratelimit..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.kaleem.api..")
                .and(resideOutsideOfPackages("io.kaleem.api.ratelimit..", "io.kaleem.api.redis..")))
        .check(api);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices()
        .matching("io.kaleem.api.(*)..")
        .that(
            DescribedPredicate.describe(
                "request-path infrastructure",
                slice -> INFRASTRUCTURE.contains(slice.getNamePart(1))))
        .should()
        .beFreeOfCycles()
        .check(api);
  }
}
