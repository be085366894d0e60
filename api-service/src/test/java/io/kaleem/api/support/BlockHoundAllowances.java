package io.kaleem.api.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The calls BlockHound may see on a non-blocking thread in our tests, each with the reason it
 * cannot block. BlockHound itself is installed for every test of this module by {@code
 * blockhound-junit-platform} (a JUnit Platform listener, before the first test); this integration
 * is found through {@code META-INF/services}.
 */
public class BlockHoundAllowances implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // SecureRandom (UUID.randomUUID for request ids, ES256 signatures, refresh tokens) reads
    // /dev/urandom through NativePRNG. On Linux urandom never waits for entropy once the kernel
    // pool is initialised at boot, so the read is a bounded copy from the kernel, not I/O that can
    // stall; seeding from /dev/random (generateSeed, which can wait) is a different method and
    // stays
    // detected.
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
  }
}
