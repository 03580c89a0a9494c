package io.chunkstore.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.Labels;
import org.junit.jupiter.api.Test;

class LokiFingerprintTest {
    /** The golden chunks' stream: fingerprint_hex 9a4e037c3b69a04e in every sidecar. */
    @Test
    void matchesTheGoldenChunksFingerprint() {
        Labels withName =
                Labels.of("__name__", "logs", "filename", "/var/log/syslog", "job", "varlogs");
        assertThat(Long.toHexString(LokiFingerprint.of(withName))).isEqualTo("9a4e037c3b69a04e");
        assertThat(LokiFingerprint.of(withName.without("__name__")))
                .isEqualTo(LokiFingerprint.of(withName));
        assertThat(LokiFingerprint.of(Labels.of("job", "other")))
                .isNotEqualTo(LokiFingerprint.of(withName));
    }
}
