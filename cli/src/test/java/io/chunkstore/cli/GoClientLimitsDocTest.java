package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md tells operators what the Go clients cannot do through serve (found running
 * Cortex v1.13.2 and Loki v2.7.5 against it), with the error each shows and what to do instead.
 */
class GoClientLimitsDocTest {
    @Test
    void operationsSaysWhatTheGoClientsCannotDoAndWhatToDoInstead() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("docs/operations.md"))) {
            root = root.getParent();
        }
        String doc = Files.readString(root.resolve("docs/operations.md"));
        int at = doc.indexOf("### What the Go clients can and cannot do");
        assertThat(at).isNotNegative();
        String section = doc.substring(at, doc.indexOf("\n### ", at + 1));
        // Loki 2.6+: chunk reads fail; the versions, the error, and the two ways to read old data.
        assertThat(section)
                .contains(
                        "Loki 2.6 and later",
                        "invalid chunk checksum",
                        "Loki 2.0-2.5",
                        "/loki/api/v1",
                        "object_store");
        // Cortex: the checksum-less keys, the purger, what to use instead.
        assertThat(section)
                .contains(
                        "drops the chunk checksum",
                        "purger cannot run over `grpc-store`",
                        "deleting series");
        // Chunks before the first period: Cortex's error and the fix.
        assertThat(section)
                .contains("no chunk table found for time", "a first period whose `from` is before");
    }
}
