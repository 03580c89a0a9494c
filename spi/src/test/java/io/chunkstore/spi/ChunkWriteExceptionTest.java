package io.chunkstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkWriteExceptionTest {
    private static final EncodedChunk A = chunk("u/a:1:2:3");
    private static final EncodedChunk B = chunk("u/b:1:2:3");
    private static final EncodedChunk C = chunk("u/c:1:2:3");

    private static EncodedChunk chunk(String key) {
        return new EncodedChunk(key, "chunks_1", key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyChunkWrittenIsNoError() {
        assertThatCode(() -> ChunkWriteException.check("put", List.of(A, B), Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void someWrittenListsBothHalves() {
        Map<String, StorageException> failed = new LinkedHashMap<>();
        failed.put(B.key(), new ThrottledException("slow down"));
        assertThatThrownBy(
                        () -> ChunkWriteException.check("putChunks to X", List.of(A, B, C), failed))
                .isInstanceOfSatisfying(
                        ChunkWriteException.class,
                        e -> {
                            assertThat(e.written()).containsExactly(A.key(), C.key());
                            assertThat(e.keys()).containsExactly(B.key());
                            assertThat(e.notWritten().get(B.key()))
                                    .isInstanceOf(ThrottledException.class);
                            assertThat(e.isRetryable()).isTrue();
                            assertThat(e)
                                    .hasMessageContaining("putChunks to X")
                                    .hasMessageContaining("1 of 3")
                                    .hasMessageContaining(B.key())
                                    .hasMessageContaining("slow down");
                        });
    }

    @Test
    void oneNonRetryableFailureMakesTheWholeNotRetryable() {
        Map<String, StorageException> failed = new LinkedHashMap<>();
        failed.put(B.key(), new ThrottledException("slow down"));
        failed.put(C.key(), new InvalidRequestException("bad table"));
        assertThatThrownBy(() -> ChunkWriteException.check("put", List.of(A, B, C), failed))
                .isInstanceOfSatisfying(
                        ChunkWriteException.class, e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void nothingWrittenThrowsTheFirstTypedErrorWithTheOthersSuppressed() {
        Map<String, StorageException> failed = new LinkedHashMap<>();
        UnavailableException down = new UnavailableException("connection refused");
        failed.put(A.key(), down);
        failed.put(B.key(), new TableNotFoundException("chunks_1"));
        assertThatThrownBy(() -> ChunkWriteException.check("put", List.of(A, B), failed))
                .isSameAs(down)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    }

    @Test
    void oneSharedErrorIsNotSuppressedIntoItself() {
        UnavailableException down = new UnavailableException("connection refused");
        assertThatThrownBy(
                        () ->
                                ChunkWriteException.check(
                                        "put", List.of(A, B), Map.of(A.key(), down, B.key(), down)))
                .isSameAs(down)
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
    }
}
