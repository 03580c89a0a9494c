package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexQuery;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CqlTest {
    private static final String T = Cql.qualified("cortex", "index_2700");

    @Test
    void tableDdlIsCortexs() {
        assertThat(T).isEqualTo("\"cortex\".\"index_2700\"");
        assertThat(Cql.createTable(T, ""))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"cortex\".\"index_2700\""
                                + " (hash text, range blob, value blob, PRIMARY KEY (hash, range))");
        assertThat(Cql.createTable(T, "compaction = {'class': 'LeveledCompactionStrategy'}"))
                .endsWith(
                        "PRIMARY KEY (hash, range)) WITH compaction = {'class': 'LeveledCompactionStrategy'}");
        assertThat(Cql.dropTable(T)).isEqualTo("DROP TABLE IF EXISTS \"cortex\".\"index_2700\"");
    }

    @Test
    void keyspaceDdl() {
        assertThat(Cql.createKeyspace("cortex", "SimpleStrategy", 3, Map.of()))
                .isEqualTo(
                        "CREATE KEYSPACE IF NOT EXISTS \"cortex\" WITH replication = {'class': 'SimpleStrategy',"
                                + " 'replication_factor': 3}");
        Map<String, Integer> dcs = new LinkedHashMap<>();
        dcs.put("dc1", 3);
        dcs.put("dc2", 2);
        assertThat(Cql.createKeyspace("cortex", "NetworkTopologyStrategy", 3, dcs))
                .isEqualTo(
                        "CREATE KEYSPACE IF NOT EXISTS \"cortex\" WITH replication = {'class': 'NetworkTopologyStrategy',"
                                + " 'dc1': 3, 'dc2': 2}");
    }

    @Test
    void writesAreCortexs() {
        assertThat(Cql.insertEntry(T))
                .isEqualTo(
                        "INSERT INTO \"cortex\".\"index_2700\" (hash, range, value) VALUES (?, ?, ?)");
        assertThat(Cql.deleteEntry(T))
                .isEqualTo("DELETE FROM \"cortex\".\"index_2700\" WHERE hash = ? AND range = ?");
        assertThat(Cql.insertChunk(T))
                .isEqualTo(
                        "INSERT INTO \"cortex\".\"index_2700\" (hash, range, value) VALUES (?, 0x00, ?)");
        assertThat(Cql.selectChunk(T))
                .isEqualTo("SELECT value FROM \"cortex\".\"index_2700\" WHERE hash = ?");
        assertThat(Cql.deleteChunk(T))
                .isEqualTo("DELETE FROM \"cortex\".\"index_2700\" WHERE hash = ?");
    }

    @Test
    void readShapes() {
        String base = "SELECT range, value FROM \"cortex\".\"index_2700\" WHERE hash = ?";
        assertThat(Cql.selectEntries(T, Cql.ReadShape.ROW, false)).isEqualTo(base);
        assertThat(Cql.selectEntries(T, Cql.ReadShape.FROM, false))
                .isEqualTo(base + " AND range >= ?");
        assertThat(Cql.selectEntries(T, Cql.ReadShape.BETWEEN, false))
                .isEqualTo(base + " AND range >= ? AND range < ?");
        assertThat(Cql.selectEntries(T, Cql.ReadShape.BETWEEN, true))
                .isEqualTo(base + " AND range >= ? AND range < ? AND value = ? ALLOW FILTERING");
        assertThat(Cql.selectEntries(T, Cql.ReadShape.ROW, true))
                .isEqualTo(base + " AND value = ? ALLOW FILTERING");
    }

    @Test
    void queryToShape() {
        IndexQuery row = IndexQuery.row("t", "h");
        IndexQuery start = IndexQuery.builder("t", "h").rangeValueStart(new byte[] {1}).build();
        IndexQuery prefix =
                IndexQuery.builder("t", "h").rangeValuePrefix(new byte[] {1, (byte) 0xFF}).build();
        IndexQuery allFf =
                IndexQuery.builder("t", "h")
                        .rangeValuePrefix(new byte[] {(byte) 0xFF, (byte) 0xFF})
                        .build();
        IndexQuery valueOnly = IndexQuery.builder("t", "h").valueEqual(new byte[] {7}).build();
        assertThat(Cql.shape(row, null)).isEqualTo(Cql.ReadShape.ROW);
        assertThat(Cql.shape(valueOnly, null)).isEqualTo(Cql.ReadShape.ROW);
        assertThat(Cql.shape(start, null)).isEqualTo(Cql.ReadShape.FROM);
        byte[] end = Bytes.nextPrefix(prefix.rangeValuePrefix());
        assertThat(end)
                .containsExactly(
                        2); // [01 FF, 02): keeps 01 FF FF, which Cortex's 01 FF FF bound loses
        assertThat(Cql.shape(prefix, end)).isEqualTo(Cql.ReadShape.BETWEEN);
        assertThat(Bytes.nextPrefix(allFf.rangeValuePrefix())).isNull();
        assertThat(Cql.shape(allFf, null)).isEqualTo(Cql.ReadShape.FROM);
    }

    @Test
    void schemaLookups() {
        assertThat(Cql.LIST_TABLES)
                .isEqualTo("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?");
        assertThat(Cql.DESCRIBE_TABLE).endsWith("WHERE keyspace_name = ? AND table_name = ?");
    }
}
