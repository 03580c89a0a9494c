package io.chunkstore.bench.raw;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.cassandra.CassandraConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The baselines write the backends' physical layouts (Cortex's Cassandra and Bigtable clients; the
 * local README).
 */
class RawLayoutTest {

    @Test
    void hashedRowKeysMatchCortexVectors() {
        assertThat(RawBigtable.hashedRowKey("userID:d18028:foo"))
                .isEqualTo("e09782ff253d33df-userID:d18028:foo");
        assertThat(RawBigtable.hashedRowKey("03:userID:d18028:foo"))
                .isEqualTo("514da8f2ddc1d330-03:userID:d18028:foo");
    }

    @Test
    void localRowPrefixIsAVarintLengthThenTheHash() {
        assertThat(RawLocal.rowPrefix("abc")).containsExactly(3, 'a', 'b', 'c');
        byte[] p = RawLocal.rowPrefix("x".repeat(200));
        assertThat(p).hasSize(202);
        assertThat(p[0]).isEqualTo((byte) 0xC8);
        assertThat(p[1]).isEqualTo((byte) 0x01);
    }

    @Test
    void cassandraContactPointsTakeTheDefaultPort() {
        CassandraConfig c =
                CassandraConfig.bind(
                        Map.of(
                                "addresses",
                                "a, b:9100, [::1]:9200, [::2]",
                                "port",
                                9300,
                                "keyspace",
                                "k"));
        assertThat(RawCassandra.contactPoints(c))
                .containsExactly("a:9300", "b:9100", "::1:9200", "::2:9300");
    }
}
