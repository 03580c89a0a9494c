package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.InvalidRequestException;
import org.junit.jupiter.api.Test;

class TableNamesTest {

    @Test
    void acceptsDynamoNames() {
        assertThat(TableNames.check("index_2706")).isEqualTo("index_2706");
        assertThat(TableNames.isValid("abc")).isTrue();
        assertThat(TableNames.isValid("a.b-c_D9")).isTrue();
        assertThat(TableNames.isValid("x".repeat(255))).isTrue();
    }

    @Test
    void rejectsWithTheReason() {
        assertThatThrownBy(() -> TableNames.check("t1"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'t1'")
                .hasMessageContaining("at least 3");
        assertThatThrownBy(() -> TableNames.check("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TableNames.check("x".repeat(256)))
                .hasMessageContaining("at most 255");
        assertThatThrownBy(() -> TableNames.check("index/2706")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> TableNames.check("indéx_1")).hasMessageContaining("'é'");
        assertThat(TableNames.isValid(null)).isFalse();
    }
}
