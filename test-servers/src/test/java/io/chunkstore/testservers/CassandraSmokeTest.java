package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cassandra starts, answers the real driver, and keeps acknowledged writes across a kill and a
 * clean stop.
 */
@RealServer
class CassandraSmokeTest {

    private static CqlSession connect(CassandraEndpoint ep) {
        DriverConfigLoader config =
                DriverConfigLoader.programmaticBuilder()
                        .withBoolean(
                                DefaultDriverOption.METADATA_SCHEMA_ENABLED,
                                false) // DDL in ms instead of ~1.2 s
                        .withString(DefaultDriverOption.PROTOCOL_VERSION, "V5")
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                        .build();
        return CqlSession.builder()
                .addContactPoints(ep.contactPoints())
                .withLocalDatacenter(ep.localDatacenter())
                .withConfigLoader(config)
                .build();
    }

    private static List<String> rangeKeys(CqlSession session, String hash, String from, String to) {
        List<String> keys = new ArrayList<>();
        for (Row row :
                session.execute(
                        session.prepare("SELECT r FROM smoke.idx WHERE h = ? AND r >= ? AND r < ?")
                                .bind(hash, utf8(from), utf8(to))
                                .setPageSize(3))) {
            keys.add(StandardCharsets.UTF_8.decode(row.getByteBuffer("r")).toString());
        }
        return keys;
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void insert(CqlSession session, String hash, int from, int to) {
        PreparedStatement insert =
                session.prepare("INSERT INTO smoke.idx (h, r, v) VALUES (?, ?, ?)");
        for (int i = from; i < to; i++) {
            session.execute(insert.bind(hash, utf8(String.format("r%03d", i)), utf8("value " + i)));
        }
    }

    private static List<String> expected(int from, int to) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(String.format("r%03d", i));
        }
        return keys;
    }

    @Test
    void createsWritesAndReadsARangeWithTheRealDriver() {
        CassandraEndpoint ep = TestServers.cassandra();
        assertThat(ep.localDatacenter()).isEqualTo("datacenter1");
        try (CqlSession session = connect(ep)) {
            session.execute(
                    "CREATE KEYSPACE IF NOT EXISTS smoke WITH replication = "
                            + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute(
                    "CREATE TABLE IF NOT EXISTS smoke.idx (h text, r blob, v blob, PRIMARY KEY (h, r))");
            insert(session, "a", 0, 100);

            assertThat(rangeKeys(session, "a", "r020", "r030")).isEqualTo(expected(20, 30));
            Row one =
                    session.execute(
                                    session.prepare("SELECT v FROM smoke.idx WHERE h = ? AND r = ?")
                                            .bind("a", utf8("r042")))
                            .one();
            assertThat(one).isNotNull();
            assertThat(StandardCharsets.UTF_8.decode(one.getByteBuffer("v")).toString())
                    .isEqualTo("value 42");
        }
    }

    @Test
    void restartsOnTheSamePortsAndDataAfterKillAndStop() {
        assumeTrue(TestServers.cassandraServer().isPresent(), "only a local node can be stopped");
        CassandraServer server = TestServers.cassandraServer().orElseThrow();
        CassandraEndpoint before = server.endpoint();
        try {
            try (CqlSession session = connect(before)) {
                session.execute(
                        "CREATE KEYSPACE IF NOT EXISTS smoke WITH replication = "
                                + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
                session.execute(
                        "CREATE TABLE IF NOT EXISTS smoke.idx (h text, r blob, v blob, PRIMARY KEY (h, r))");
                insert(session, "restart", 0, 50);
            }

            // A crash: the acknowledged writes are only in the memtable and the commit log.
            server.kill();
            assertThat(server.isRunning()).isFalse();
            server.start();
            assertThat(server.endpoint()).isEqualTo(before);
            try (CqlSession session = connect(server.endpoint())) {
                assertThat(rangeKeys(session, "restart", "r000", "r999"))
                        .isEqualTo(expected(0, 50));
                insert(session, "restart", 50, 60);
            }

            // A clean stop (drain and flush), then the same again.
            server.stop();
            assertThat(server.isRunning()).isFalse();
            server.start();
            try (CqlSession session = connect(server.endpoint())) {
                assertThat(rangeKeys(session, "restart", "r000", "r999"))
                        .isEqualTo(expected(0, 60));
            }
        } finally {
            server.start(); // leave it running for the other tests
        }
    }
}
