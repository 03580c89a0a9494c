package io.chunkstore.bench;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What one {@code chunkstore bench} run measures and how.
 *
 * @param backend the backend under test
 * @param store the store name it is opened as (one of {@link BackendKind#stores()})
 * @param configFile a YAML file with the storage block (Cortex {@code storage:}, Loki {@code
 *     storage_config:}, or the block itself); null with {@code startServer} or for the local
 *     backend
 * @param startServer start the test server (Cassandra, DynamoDB Local, the Bigtable emulator) as a
 *     child process
 * @param rounds measured rounds; each runs our client and the baseline once, in alternating order
 * @param warmup rounds run first and discarded
 * @param workloads what to measure
 * @param scale how much data
 * @param output report format
 * @param workDir where local data and started servers live; null for a fresh temporary folder
 * @param keepData leave the tables (and the work folder) in place afterwards
 */
public record BenchOptions(
        BackendKind backend,
        String store,
        Path configFile,
        boolean startServer,
        int rounds,
        int warmup,
        Set<Workload> workloads,
        Scale scale,
        OutputFormat output,
        Path workDir,
        boolean keepData) {

    public static final int DEFAULT_ROUNDS = 5;
    public static final int DEFAULT_WARMUP = 3;

    /**
     * @throws IllegalArgumentException when a value is out of range or the options contradict each
     *     other, with a message naming the option
     */
    public BenchOptions {
        Objects.requireNonNull(backend, "backend");
        store = store == null || store.isBlank() ? backend.defaultStore() : store.trim();
        if (!backend.stores().contains(store)) {
            throw new IllegalArgumentException(
                    "--store "
                            + store
                            + " is not a store of backend "
                            + backend.id()
                            + " the bench can compare with a raw baseline; use one of "
                            + backend.stores());
        }
        if (rounds < 1 || rounds > 1000) {
            throw new IllegalArgumentException(
                    "--rounds must be between 1 and 1000, not " + rounds);
        }
        if (warmup < 0 || warmup > 100) {
            throw new IllegalArgumentException("--warmup must be between 0 and 100, not " + warmup);
        }
        if (configFile != null && startServer) {
            throw new IllegalArgumentException(
                    "--config and --start-server exclude each other: --start-server"
                            + " builds the config from the server it starts");
        }
        if (backend != BackendKind.LOCAL && configFile == null && !startServer) {
            throw new IllegalArgumentException(
                    "--backend "
                            + backend.id()
                            + " needs --config FILE (a running server)"
                            + " or --start-server (the bench starts a test server)");
        }
        workloads =
                workloads == null || workloads.isEmpty()
                        ? EnumSet.allOf(Workload.class)
                        : Collections.unmodifiableSet(EnumSet.copyOf(workloads));
        scale = scale == null ? Scale.SMALL : scale;
        output = output == null ? OutputFormat.TEXT : output;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds options from command-line strings; each setter parses and rejects bad values at once.
     */
    public static final class Builder {
        private BackendKind backend;
        private String store;
        private Path configFile;
        private boolean startServer;
        private int rounds = DEFAULT_ROUNDS;
        private int warmup = DEFAULT_WARMUP;
        private Set<Workload> workloads;
        private Scale scale;
        private OutputFormat output;
        private Path workDir;
        private boolean keepData;

        public Builder backend(String name) {
            this.backend = BackendKind.parse(name);
            return this;
        }

        public Builder backend(BackendKind kind) {
            this.backend = kind;
            return this;
        }

        public Builder store(String name) {
            this.store = name;
            return this;
        }

        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        public Builder startServer(boolean v) {
            this.startServer = v;
            return this;
        }

        public Builder rounds(int v) {
            this.rounds = v;
            return this;
        }

        public Builder warmup(int v) {
            this.warmup = v;
            return this;
        }

        /** A comma-separated list as {@link Workload#parseList} reads it. */
        public Builder workloads(String list) {
            this.workloads = Workload.parseList(list);
            return this;
        }

        public Builder workloads(Set<Workload> set) {
            this.workloads = set;
            return this;
        }

        public Builder scale(String name) {
            this.scale = Scale.parse(name);
            return this;
        }

        public Builder scale(Scale s) {
            this.scale = s;
            return this;
        }

        public Builder output(String name) {
            this.output = OutputFormat.parse(name);
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public Builder keepData(boolean v) {
            this.keepData = v;
            return this;
        }

        /**
         * @throws IllegalArgumentException as the record's constructor
         */
        public BenchOptions build() {
            if (backend == null) {
                throw new IllegalArgumentException("--backend is required");
            }
            return new BenchOptions(
                    backend,
                    store,
                    configFile,
                    startServer,
                    rounds,
                    warmup,
                    workloads,
                    scale,
                    output,
                    workDir,
                    keepData);
        }
    }
}
