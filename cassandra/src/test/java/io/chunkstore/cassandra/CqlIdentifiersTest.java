package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CqlIdentifiersTest {

    @Test
    void foldsToLowerCaseLikeAnUnquotedName() {
        assertThat(CqlIdentifiers.table("index_2700")).isEqualTo("index_2700");
        assertThat(CqlIdentifiers.table("Chunks_2700")).isEqualTo("chunks_2700");
        assertThat(CqlIdentifiers.table("select")).isEqualTo("select");
        assertThat(CqlIdentifiers.quote("select")).isEqualTo("\"select\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "1index",
                "_index",
                "index-1",
                "index 1",
                "t\"; DROP TABLE x; --",
                "ks.t",
                "ünïcode",
                "t;"
            })
    void rejectsWhatIsNotAnUnquotedIdentifier(String name) {
        assertThatThrownBy(() -> CqlIdentifiers.table(name))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("table name");
    }

    @Test
    void lengthLimits() {
        assertThat(CqlIdentifiers.table("t".repeat(222))).hasSize(222);
        assertThatThrownBy(() -> CqlIdentifiers.table("t".repeat(223)))
                .hasMessageContaining("at most 222");
        assertThat(CqlIdentifiers.problem("keyspace", "k".repeat(48))).isNull();
        assertThat(CqlIdentifiers.problem("keyspace", "k".repeat(49))).contains("at most 48");
    }
}
