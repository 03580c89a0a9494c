package io.chunkstore.cli.common;

import picocli.CommandLine.Option;

/**
 * The required {@code --user} of the commands that act on one tenant of a store ({@code query},
 * {@code labels}, {@code delete}, {@code schema entries|queries}, {@code chunk encode}), as a
 * picocli mixin ({@code @Mixin UserOption user;}). The value is checked as a tenant ID by {@link
 * TenantText}. Commands that take several tenants ({@code convert blocks}) or name Loki's header
 * ({@code logs}) declare their own.
 */
public final class UserOption {
    @Option(
            names = "--user",
            parameterConsumer = TenantText.class,
            required = true,
            paramLabel = "USER",
            description = "Tenant (org) ID.")
    String id;

    /** The tenant ID given. */
    public String id() {
        return id;
    }
}
