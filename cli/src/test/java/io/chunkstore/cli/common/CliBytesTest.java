package io.chunkstore.cli.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CliBytesTest {
    @Test
    void textOrHex() {
        assertThat(CliBytes.parse("abc")).containsExactly('a', 'b', 'c');
        assertThat(CliBytes.parse("hex:00ff3A")).containsExactly(0x00, 0xff, 0x3a);
        assertThat(CliBytes.parse("hex:")).isEmpty();
        assertThatThrownBy(() -> CliBytes.parse("hex:abc")).hasMessageContaining("hex:abc");
        assertThat(CliBytes.printable(new byte[] {'a', 0, (byte) 0xff}))
                .isEqualTo("\"a\\x00\\xff\"");
    }
}
