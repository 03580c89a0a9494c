package io.chunkstore.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.model.Labels;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    @Test
    void cortexFingerprintOfTheSpecLabels() {
        long fp =
                Fingerprints.fingerprint(
                        Labels.of("__name__", "foo", "bar", "baz", "toms", "code"));
        assertThat(Long.toUnsignedString(fp)).isEqualTo("18245339272195143978");
        assertThat(Long.toHexString(fp)).isEqualTo("fd3477666dacf92a");
    }

    /**
     * Prometheus common/model signature_test.go: TestMetricToFingerprint and
     * TestMetricToFastFingerprint.
     */
    @Test
    void prometheusModelVectors() {
        Labels l = Labels.of("name", "garland, briggs", "fear", "love is not enough");
        assertThat(Long.toUnsignedString(Fingerprints.fingerprint(l)))
                .isEqualTo("5799056148416392346");
        assertThat(Long.toUnsignedString(Fingerprints.fastFingerprint(l)))
                .isEqualTo("12952432476264840823");
        assertThat(Long.toUnsignedString(Fingerprints.fingerprint(Labels.EMPTY)))
                .isEqualTo("14695981039346656037");
        assertThat(Long.toUnsignedString(Fingerprints.fastFingerprint(Labels.EMPTY)))
                .isEqualTo("14695981039346656037");
    }

    @Test
    void fastFingerprintIgnoresOrderButNotPairing() {
        Labels a = Labels.of("a", "1", "b", "2");
        Labels swapped = Labels.of("a", "2", "b", "1");
        assertThat(Fingerprints.fastFingerprint(a))
                .isNotEqualTo(Fingerprints.fastFingerprint(swapped));
        assertThat(Fingerprints.fingerprint(a)).isNotEqualTo(Fingerprints.fingerprint(swapped));
        // Non-ASCII is hashed as UTF-8.
        assertThat(Fingerprints.fingerprint(Labels.of("é", "x")))
                .isNotEqualTo(Fingerprints.fingerprint(Labels.of("\u00e9\u0000", "x")));
    }
}
