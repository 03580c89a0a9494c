package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chunkstore.spi.ConfigException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IndexLayoutTest {

    private static ByteString bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return ByteString.copyFrom(out);
    }

    /**
     * Vectors of Cortex's {@code HashPrefix} (pkg/chunk/gcp/fnv.go), as row keys of
     * bigtable-hashed.
     */
    @ParameterizedTest
    @CsvSource({
        "userID:d18028:foo, e09782ff253d33df-userID:d18028:foo",
        "03:userID:d18028:foo, 514da8f2ddc1d330-03:userID:d18028:foo",
    })
    void hashedRowKeysMatchTheSpecVectors(String hash, String rowKey) {
        assertThat(
                        IndexLayout.HASHED
                                .rowKey(hash, "any".getBytes(StandardCharsets.UTF_8))
                                .toStringUtf8())
                .isEqualTo(rowKey);
        assertThat(IndexLayout.hashPrefix(hash)).isEqualTo(rowKey.substring(0, 16));
    }

    /**
     * FNV-1a 64 reference values (the empty string is the offset basis; "a" from the FNV test
     * suite).
     */
    @Test
    void hashPrefixIsFnv1a64LittleEndianHex() {
        // offset basis 0xcbf29ce484222325, little-endian
        assertThat(IndexLayout.hashPrefix("")).isEqualTo("25232284e49cf2cb");
        // fnv1a64("a") = 0xaf63dc4c8601ec8c
        assertThat(IndexLayout.hashPrefix("a")).isEqualTo("8cec01864cdc63af");
        // fnv1a64("foobar") = 0x85944171f73967e8
        assertThat(IndexLayout.hashPrefix("foobar")).isEqualTo("e86739f771419485");
    }

    @Property
    void hashPrefixIsSixteenLowercaseHexDigits(@ForAll String hash) {
        assertThat(IndexLayout.hashPrefix(hash)).matches("[0-9a-f]{16}");
    }

    @Test
    void gcpRowKeyIsHashZeroRangeWithQualifierC() {
        byte[] range = {0x00, (byte) 0xFF, 0x61};
        assertThat(IndexLayout.GCP.rowKey("h:1", range))
                .isEqualTo(bytes('h', ':', '1', 0x00, 0x00, 0xFF, 0x61));
        assertThat(IndexLayout.GCP.qualifier(range)).isEqualTo(ByteString.copyFromUtf8("c"));
        assertThat(IndexLayout.GCP.rowKeyPrefix("h:1")).isEqualTo(bytes('h', ':', '1', 0x00));
        assertThat(IndexLayout.GCP.rangeInRowKey()).isTrue();
    }

    @Test
    void columnKeyRowKeyIsTheHashAndTheQualifierTheRange() {
        byte[] range = {0x00, (byte) 0xFF};
        assertThat(IndexLayout.COLUMN_KEY.rowKey("ä:1", range))
                .isEqualTo(ByteString.copyFromUtf8("ä:1"));
        assertThat(IndexLayout.COLUMN_KEY.qualifier(range)).isEqualTo(bytes(0x00, 0xFF));
        assertThat(IndexLayout.HASHED.qualifier(range)).isEqualTo(bytes(0x00, 0xFF));
        assertThat(IndexLayout.COLUMN_KEY.rangeInRowKey()).isFalse();
        assertThat(IndexLayout.HASHED.rangeInRowKey()).isFalse();
    }

    @Test
    void hashValuesAreUtf8() {
        assertThat(IndexLayout.COLUMN_KEY.rowKey("ä", new byte[] {1})).isEqualTo(bytes(0xC3, 0xA4));
        assertThat(IndexLayout.hashPrefix("ä"))
                .isEqualTo(IndexLayout.hashPrefix(new byte[] {(byte) 0xC3, (byte) 0xA4}));
    }

    @Test
    void storeNamesMapToLayouts() {
        assertThat(IndexLayout.forStore("gcp")).isEqualTo(IndexLayout.GCP);
        assertThat(IndexLayout.forStore("gcp-columnkey")).isEqualTo(IndexLayout.COLUMN_KEY);
        assertThat(IndexLayout.forStore("bigtable")).isEqualTo(IndexLayout.COLUMN_KEY);
        assertThat(IndexLayout.forStore("bigtable-hashed")).isEqualTo(IndexLayout.HASHED);
        assertThatThrownBy(() -> IndexLayout.forStore("cassandra"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bigtable-hashed");
    }

    @Test
    void onlyTheGcpLayoutRefusesHashValuesWithAZeroByte() {
        assertThat(IndexLayout.GCP.accepts("a\0b")).isFalse();
        assertThat(IndexLayout.GCP.accepts("a:b")).isTrue();
        assertThat(IndexLayout.COLUMN_KEY.accepts("a\0b")).isTrue();
        assertThat(IndexLayout.HASHED.accepts("a\0b")).isTrue();
    }
}
