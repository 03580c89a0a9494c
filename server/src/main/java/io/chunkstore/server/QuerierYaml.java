package io.chunkstore.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.Durations;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaConfig;
import io.chunkstore.grpc.GrpcStoreClient;
import java.util.Map;

/**
 * The YAML that points an unmodified Cortex or Loki at a {@code chunkstore serve}: the server's own
 * schema periods (same {@code from}, schema version, prefixes, periods, tags and row shards, so
 * both sides compute the same table names) with {@code store} and {@code object_store} set to
 * {@code grpc-store}, and the {@code grpc_store} block with the server's address.
 *
 * <p>grpc-store keeps chunks in tables, so Cortex requires a chunks prefix: a period of the server
 * without one (chunks in an object store) gets {@code chunks_} with the index period. The server
 * finds a chunk by its key, not by that table name, so the made-up name is harmless.
 */
public final class QuerierYaml {
    /** The prefix given to chunk tables of periods that have none (chunks in an object store). */
    public static final String DEFAULT_CHUNKS_PREFIX = "chunks_";

    private static final ObjectMapper JSON = new ObjectMapper();

    private QuerierYaml() {}

    /** Whether Cortex can read every period (Cortex stops at v11; v12 is Loki's). */
    public static boolean cortexCompatible(SchemaConfig schema) {
        return schema.periods().stream().allMatch(p -> p.schema().number() <= 11);
    }

    /** The Cortex (up to 1.13) {@code schema:} and {@code storage:} blocks. */
    public static String cortex(SchemaConfig schema, String serverAddress) {
        return "schema:\n"
                + configs(schema)
                + "storage:\n  engine: chunks\n  grpc_store:\n    server_address: "
                + serverAddress
                + "\n";
    }

    /**
     * What Loki's grpc-store client cannot do, printed above the Loki YAML: since Loki 2.6 its
     * chunk reads through grpc-store fail whatever the server sends (docs/operations.md, "What the
     * Go clients can and cannot do").
     */
    public static final String LOKI_READ_WARNING =
            """
            # WARNING: Loki 2.6 and later cannot READ chunks through grpc-store: its client decodes each returned
            # chunk into an empty one and fails it with "invalid chunk checksum", whatever the server sends.
            # Writes and index reads work. To read old Loki data, point Grafana or logcli at this server's own
            # Loki API (the HTTP port's /loki/api/v1), or give these periods an object_store that reads the
            # chunks directly. Loki 2.0-2.5 read through grpc-store as usual.
            """;

    /**
     * The Loki (2.x, 3.x) {@code schema_config:} and {@code storage_config:} blocks, after {@link
     * #LOKI_READ_WARNING}.
     */
    public static String loki(SchemaConfig schema, String serverAddress) {
        return LOKI_READ_WARNING
                + "schema_config:\n"
                + configs(schema)
                + "storage_config:\n  grpc_store:\n    server_address: "
                + serverAddress
                + "\n";
    }

    private static String configs(SchemaConfig schema) {
        StringBuilder sb = new StringBuilder("  configs:\n");
        for (PeriodConfig p : schema.periods()) {
            sb.append("    - from: ").append(p.from()).append('\n');
            sb.append("      store: ").append(GrpcStoreClient.STORE_NAME).append('\n');
            sb.append("      object_store: ").append(GrpcStoreClient.STORE_NAME).append('\n');
            sb.append("      schema: ").append(p.schema().configName()).append('\n');
            table(sb, "index", p.index());
            PeriodicTableConfig chunks =
                    p.chunks().prefix().isEmpty()
                            ? new PeriodicTableConfig(
                                    DEFAULT_CHUNKS_PREFIX, p.index().period(), Map.of(), "")
                            : p.chunks();
            table(sb, "chunks", chunks);
            if (p.rowShards() > 0) {
                sb.append("      row_shards: ").append(p.rowShards()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String key, PeriodicTableConfig t) {
        sb.append("      ").append(key).append(":\n");
        sb.append("        prefix: ").append(quote(t.prefix())).append('\n');
        if (t.isPeriodic()) {
            sb.append("        period: ").append(Durations.format(t.period())).append('\n');
        }
        if (!t.tags().isEmpty()) {
            sb.append("        tags:\n");
            t.tags()
                    .forEach(
                            (k, v) ->
                                    sb.append("          ")
                                            .append(quote(k))
                                            .append(": ")
                                            .append(quote(v))
                                            .append('\n'));
        }
    }

    /** Plain when safe in YAML, else a double-quoted (JSON) string. */
    private static String quote(String s) {
        if (s.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
            return s;
        }
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
