package io.chunkstore.grpc;

import java.util.Optional;

/**
 * Which credential a bearer token is, for the grpc_store server's optional authentication ({@link
 * GrpcStoreServer.Builder#tokens}). An implementation compares tokens in constant time (for example
 * with {@link java.security.MessageDigest#isEqual}) so the time of a refusal tells a client nothing
 * about how much of a guess was right.
 */
@FunctionalInterface
public interface TokenCheck {
    /**
     * The name of the credential whose token is {@code token} (shown in logs instead of the
     * secret), or empty when no credential has it.
     */
    Optional<String> credentialOf(String token);
}
