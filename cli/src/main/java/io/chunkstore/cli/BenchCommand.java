package io.chunkstore.cli;

import io.chunkstore.bench.Bench;
import io.chunkstore.bench.BenchOptions;
import io.chunkstore.bench.BenchReport;
import io.chunkstore.bench.ReportWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chunkstore bench}: a thin front end to {@link Bench}. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measures each workload through our client and through a raw-driver baseline doing the same"
                    + " operations (and through the grpc_store server against in-process), alternating, and reports"
                    + " medians and ratios. Run by hand; see docs/benchmarks.md.",
            "Progress goes to stderr, the report to stdout. Exit code 1 when a workload failed (the report lists"
                    + " it; the others still ran)."
        })
final class BenchCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--backend",
            required = true,
            paramLabel = "NAME",
            description = "local, cassandra, dynamodb or bigtable")
    String backend;

    @Option(
            names = "--store",
            paramLabel = "STORE",
            description =
                    "store name to open (default: local, cassandra, aws-dynamo, bigtable-hashed)")
    String store;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "YAML with the storage block (Cortex storage:, Loki storage_config:, or the block itself)")
    Path config;

    @Option(
            names = "--start-server",
            description =
                    "start the test server (Cassandra, DynamoDB Local, Bigtable"
                            + " emulator) as a child process for the run")
    boolean startServer;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "" + BenchOptions.DEFAULT_ROUNDS,
            description = "measured rounds (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "" + BenchOptions.DEFAULT_WARMUP,
            description = "discarded warm-up rounds (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--workload",
            paramLabel = "W,...",
            defaultValue = "all",
            description =
                    "workloads or groups: all, index, chunks, grpc, write, query-row, query-rows,"
                            + " query-fanout, chunk-put-2k, chunk-get-2k, chunk-put-1m, chunk-get-1m, grpc-query-row,"
                            + " grpc-query-rows, grpc-query-fanout, grpc-chunk-get-2k, grpc-chunk-get-1m,"
                            + " grpc-query-parallel, heap")
    String workloads;

    @Option(
            names = "--scale",
            paramLabel = "SCALE",
            defaultValue = "small",
            description = "small (default), full (1,000,000-entry row, 10,000 small rows) or tiny")
    String scale;

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (default), json or markdown")
    String output;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "where local data and started servers live (default: a temporary folder, removed after)")
    Path workDir;

    @Option(
            names = "--keep-data",
            description = "leave the bench tables and the work folder in place")
    boolean keepData;

    @Override
    public Integer call() {
        BenchOptions o =
                BenchOptions.builder()
                        .backend(backend)
                        .store(store)
                        .configFile(config)
                        .startServer(startServer)
                        .rounds(rounds)
                        .warmup(warmup)
                        .workloads(workloads)
                        .scale(scale)
                        .output(output)
                        .workDir(workDir)
                        .keepData(keepData)
                        .build();
        BenchReport report = Bench.run(o, spec.commandLine().getErr());
        ReportWriter.write(report, o.output(), spec.commandLine().getOut());
        return report.complete() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
