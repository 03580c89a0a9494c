package io.chunkstore.core.model;

import io.chunkstore.spi.InvalidRequestException;

/**
 * Tenant IDs as Cortex and Loki accept them (dskit's {@code tenant.ValidTenantID}): letters, digits
 * and {@code ! - _ . * ' ( )}, at most {@value #MAX_LENGTH} characters, and not {@code .} or {@code
 * ..}. Checked wherever a tenant enters chunkstore (the cli's options, the Loki API's {@code
 * X-Scope-OrgID}, migrate's tenant mapping), so nothing reads or writes under a tenant Cortex and
 * Loki would refuse, and no tenant can be a path such as {@code ..} in a filesystem chunk store.
 */
public final class TenantIds {
    /** dskit's {@code MaxTenantIDLength}. */
    public static final int MAX_LENGTH = 150;

    private TenantIds() {}

    /**
     * @return the tenant
     * @throws InvalidRequestException saying what is wrong, with Cortex's wording
     */
    public static String validate(String tenant) {
        if (tenant == null || tenant.isEmpty()) {
            throw new InvalidRequestException("no org id: the tenant is empty");
        }
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            if (!supported(c)) {
                String shown = tenant.length() > 60 ? tenant.substring(0, 60) + "..." : tenant;
                throw new InvalidRequestException(
                        "tenant ID '"
                                + shown
                                + "' contains unsupported character '"
                                + new String(Character.toChars(tenant.codePointAt(i)))
                                + "' (allowed: letters, digits and"
                                + " ! - _ . * ' ( ))");
            }
        }
        if (tenant.length() > MAX_LENGTH) {
            throw new InvalidRequestException(
                    "tenant ID is too long: max "
                            + MAX_LENGTH
                            + " characters, got "
                            + tenant.length());
        }
        if (tenant.equals(".") || tenant.equals("..")) {
            throw new InvalidRequestException("tenant ID is '.' or '..'");
        }
        return tenant;
    }

    private static boolean supported(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '!'
                || c == '-'
                || c == '_'
                || c == '.'
                || c == '*'
                || c == '\''
                || c == '('
                || c == ')';
    }
}
