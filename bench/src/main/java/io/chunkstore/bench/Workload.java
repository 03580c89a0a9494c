package io.chunkstore.bench;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One measured operation. Index and chunk workloads compare our client with a raw-driver baseline;
 * the {@code grpc-} workloads compare our client through the grpc_store server with our client
 * in-process ({@link #GRPC_QUERY_PARALLEL} also times each query); {@link #HEAP} records the heap
 * high-water mark while the wide row streams.
 */
public enum Workload {
    WRITE("write", Group.INDEX, "entries"),
    QUERY_ROW("query-row", Group.INDEX, "entries"),
    QUERY_ROWS("query-rows", Group.INDEX, "entries"),
    QUERY_FANOUT("query-fanout", Group.INDEX, "entries"),
    CHUNK_PUT_2K("chunk-put-2k", Group.CHUNKS, "chunks"),
    CHUNK_GET_2K("chunk-get-2k", Group.CHUNKS, "chunks"),
    CHUNK_PUT_1M("chunk-put-1m", Group.CHUNKS, "chunks"),
    CHUNK_GET_1M("chunk-get-1m", Group.CHUNKS, "chunks"),
    GRPC_QUERY_ROW("grpc-query-row", Group.GRPC, "entries"),
    GRPC_QUERY_ROWS("grpc-query-rows", Group.GRPC, "entries"),
    GRPC_QUERY_FANOUT("grpc-query-fanout", Group.GRPC, "entries"),
    GRPC_CHUNK_GET_2K("grpc-chunk-get-2k", Group.GRPC, "chunks"),
    GRPC_CHUNK_GET_1M("grpc-chunk-get-1m", Group.GRPC, "chunks"),
    /**
     * The Go querier's pattern: one-row queries, each its own {@code queryPagesAsync} call (one
     * QueryIndex stream through gRPC), {@link BenchRunner#PARALLEL_QUERIES_IN_FLIGHT} in flight
     * from one client connection, as Cortex's {@code util.DoParallelQueries} runs them; throughput
     * in queries/s and the p99 latency of one query.
     */
    GRPC_QUERY_PARALLEL("grpc-query-parallel", Group.GRPC, "queries"),
    HEAP("heap", Group.HEAP, "MiB");

    /** What a workload compares. */
    public enum Group {
        /** Our index client against the raw driver. */
        INDEX,
        /** Our chunk client against the raw driver. */
        CHUNKS,
        /** Our client through GrpcStoreServer against our client in-process. */
        GRPC,
        /** Heap growth while streaming the wide row. */
        HEAP
    }

    /** Our throughput must reach this fraction of the raw baseline's. */
    public static final double RAW_TARGET = 0.9;

    /** Through gRPC, this fraction of in-process. */
    public static final double GRPC_TARGET = 0.7;

    /** Heap growth while streaming the wide row must stay under this many MiB. */
    public static final double HEAP_TARGET_MIB = 64;

    private final String id;
    private final Group group;
    private final String unit;

    Workload(String id, Group group, String unit) {
        this.id = id;
        this.group = group;
        this.unit = unit;
    }

    public String id() {
        return id;
    }

    public Group group() {
        return group;
    }

    /**
     * What the throughput counts: {@code entries} or {@code chunks} per second ({@code MiB} for the
     * heap).
     */
    public String unit() {
        return unit;
    }

    /** The target ratio (or, for the heap, MiB). */
    public double target() {
        return switch (group) {
            case INDEX, CHUNKS -> RAW_TARGET;
            case GRPC -> GRPC_TARGET;
            case HEAP -> HEAP_TARGET_MIB;
        };
    }

    /**
     * A comma-separated list of workload names and groups ({@code index}, {@code chunks}, {@code
     * grpc}, {@code all}), in the order they run (the enum's); blank means all.
     *
     * @throws IllegalArgumentException naming the unknown entry and everything accepted
     */
    public static Set<Workload> parseList(String list) {
        EnumSet<Workload> out = EnumSet.noneOf(Workload.class);
        if (list == null || list.isBlank()) {
            return EnumSet.allOf(Workload.class);
        }
        for (String raw : list.split(",")) {
            String n = raw.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            switch (n) {
                case "all" -> out.addAll(EnumSet.allOf(Workload.class));
                case "index" -> out.addAll(ofGroup(Group.INDEX));
                case "chunks" -> out.addAll(ofGroup(Group.CHUNKS));
                case "grpc" -> out.addAll(ofGroup(Group.GRPC));
                default -> out.add(byId(n));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no workload named in '" + list + "'");
        }
        return out;
    }

    private static Set<Workload> ofGroup(Group g) {
        return Arrays.stream(values())
                .filter(w -> w.group == g)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Workload.class)));
    }

    private static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException(
                "unknown workload '"
                        + id
                        + "'; use all, index, chunks, grpc or any of "
                        + Arrays.stream(values())
                                .map(Workload::id)
                                .collect(Collectors.joining(", ")));
    }
}
