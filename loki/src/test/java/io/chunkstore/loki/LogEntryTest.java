package io.chunkstore.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.Label;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogEntryTest {
    @Test
    void sortedMetadataIsByNameWithTheLastValueOfARepeatedName() {
        LogEntry e =
                LogEntry.of(
                        1,
                        "x",
                        new Label("user", "zoë"),
                        new Label("trace_id", "a"),
                        new Label("pod", "p"),
                        new Label("trace_id", "b"));
        assertThat(e.structuredMetadata())
                .extracting(Label::name)
                .containsExactly("user", "trace_id", "pod", "trace_id");
        assertThat(e.sortedStructuredMetadata())
                .containsExactly(
                        new Label("pod", "p"),
                        new Label("trace_id", "b"),
                        new Label("user", "zoë"));
    }

    @Test
    void equalityIsByValueOfTheLineBytes() {
        LogEntry a = new LogEntry(5, new byte[] {1, 2}, List.of(new Label("k", "v")));
        LogEntry b = new LogEntry(5, new byte[] {1, 2}, List.of(new Label("k", "v")));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a)
                .isNotEqualTo(new LogEntry(5, new byte[] {1, 3}, List.of(new Label("k", "v"))));
        assertThat(a).isNotEqualTo(new LogEntry(5, new byte[] {1, 2}));
        assertThat(a)
                .isNotEqualTo(new LogEntry(6, new byte[] {1, 2}, List.of(new Label("k", "v"))));
    }

    @Test
    void metadataIsCopiedAndNonUtf8LinesPrintAsHex() {
        List<Label> sm = new ArrayList<>(List.of(new Label("k", "v")));
        LogEntry e = new LogEntry(1, new byte[] {(byte) 0xff, 0x41}, sm);
        sm.clear();
        assertThat(e.structuredMetadata()).hasSize(1);
        assertThat(e.toString()).contains("0xff41");
        assertThat(e.lineString()).isEqualTo("\uFFFDA");
        assertThat(LogEntry.of(2, "héllo").toString()).contains("\"héllo\"");
    }
}
