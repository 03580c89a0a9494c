package io.chunkstore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidRequestException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dskit's tenant ID rules, which Cortex and Loki apply to X-Scope-OrgID. */
class TenantIdsTest {
    @ParameterizedTest
    @ValueSource(strings = {"fake", "team-a", "A_b.c", "x!*'()", "0", "..."})
    void acceptedAsCortexAcceptsThem(String tenant) {
        assertThat(TenantIds.validate(tenant)).isEqualTo(tenant);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "..", ".", "a/b", "a|b", "a b", "ténant", "a:b", "a\\b"})
    void refusedAsCortexRefusesThem(String tenant) {
        assertThatThrownBy(() -> TenantIds.validate(tenant))
                .isInstanceOf(InvalidRequestException.class);
    }

    @org.junit.jupiter.api.Test
    void atMost150Characters() {
        assertThat(TenantIds.validate("a".repeat(150))).hasSize(150);
        assertThatThrownBy(() -> TenantIds.validate("a".repeat(5000)))
                .hasMessageContaining("max 150");
    }
}
