package io.chunkstore.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.chunkstore.cli.common.CliTime;
import io.chunkstore.cli.common.ServerOption;
import io.chunkstore.cli.common.TenantText;
import io.chunkstore.core.model.Label;
import io.chunkstore.loki.Direction;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.logql.Expr;
import io.chunkstore.loki.logql.LogQL;
import io.chunkstore.loki.logql.LogQuery;
import io.chunkstore.loki.logql.Values;
import io.chunkstore.loki.query.LogIterator;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LogTailer;
import io.chunkstore.loki.query.LokiTimes;
import io.chunkstore.loki.query.MetricQuerier;
import io.chunkstore.loki.query.MetricResult;
import io.chunkstore.loki.query.PipelineLogIterator;
import io.chunkstore.loki.query.QueryGuard;
import io.chunkstore.loki.query.QueryLimits;
import io.chunkstore.loki.query.QueryOptions;
import io.chunkstore.loki.query.SkippedChunk;
import io.chunkstore.loki.query.StoreLogChunkSource;
import io.chunkstore.loki.query.StreamEntry;
import io.chunkstore.loki.query.TailOptions;
import io.chunkstore.server.ConfigStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chunkstore logs}: query and tail Loki logs straight from the store, with no Loki running.
 */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Query and tail Loki logs in a chunk store (Loki's querier path over the index and chunks).",
            "The query is LogQL: a log query (a stream selector and its pipeline) or, for logs query, a"
                    + " metric query (printed as a table, or JSON lines with --output jsonl). Times: RFC 3339"
                    + " (2023-11-14T22:13:20Z, fractional seconds allowed), Unix seconds (10 digits or fewer),"
                    + " Unix nanoseconds, or now, now-1h, now+30m."
        },
        subcommands = {LogsCommand.Query.class, LogsCommand.Tail.class})
public final class LogsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** How entries are printed. */
    enum Output {
        raw,
        jsonl
    }

    /** The options every logs command shares. */
    static final class StoreOptions {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description =
                        "Cortex or Loki YAML config: schema periods and the storage block of each store."
                                + " With --server: only its schema periods are read.")
        Path config;

        @Option(
                names = "--server",
                paramLabel = "HOST:PORT",
                description =
                        "Read through a running chunkstore serve's gRPC port (e.g. 127.0.0.1:9966) instead"
                                + " of opening the stores: the schema of --config, or serve's built-in one.")
        String server;

        @Option(
                names = "--user",
                parameterConsumer = TenantText.class,
                required = true,
                paramLabel = "TENANT",
                description = "The tenant (Loki's X-Scope-OrgID; \"fake\" in single-tenant Loki).")
        String user;

        @Option(
                names = "--output",
                defaultValue = "raw",
                paramLabel = "FORMAT",
                description =
                        "raw: the line only (default); jsonl: one JSON object per entry with ts (RFC3339Nano),"
                                + " labels, line and, when present, structured_metadata.")
        Output output;

        @Option(
                names = "--skip-corrupt",
                description =
                        "Leave out chunks that are missing or do not verify and blocks that are corrupt, and"
                                + " report them on stderr, instead of failing.")
        boolean skipCorrupt;
    }

    /** The stores of the config file, or the server's ({@link ServerOption}). */
    static ConfigStores open(StoreOptions options) {
        return io.chunkstore.cli.common.StoreOptions.openChecked(
                ServerOption.config(options.config, options.server), new SimpleMeterRegistry());
    }

    /** Prints entries as raw lines or JSON lines. */
    static final class Printer {
        static final JsonFactory JSON = new JsonFactory();
        private final PrintWriter out;
        private final Output format;

        Printer(PrintWriter out, Output format) {
            this.out = out;
            this.format = format;
        }

        void print(MetricResult r) {
            printMetric(out, format, r);
        }

        void print(StreamEntry e) {
            if (format == Output.raw) {
                out.println(e.entry().lineString());
                return;
            }
            StringWriter w = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(w)) {
                LogEntry entry = e.entry();
                g.writeStartObject();
                g.writeStringField("ts", LokiTimes.rfc3339Nano(entry.timestamp()));
                g.writeObjectFieldStart("labels");
                for (Label l : e.stream().labels()) {
                    g.writeStringField(l.name(), l.value());
                }
                g.writeEndObject();
                g.writeStringField("line", entry.lineString());
                List<Label> sm = entry.sortedStructuredMetadata();
                if (!sm.isEmpty()) {
                    g.writeObjectFieldStart("structured_metadata");
                    for (Label l : sm) {
                        g.writeStringField(l.name(), l.value());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            out.println(w);
        }
    }

    /**
     * Prints a metric result: {@code raw} as a table (time, value, labels; one row per point),
     * {@code jsonl} as one object per point: {@code {"ts":"<RFC3339Nano>","labels":{...},
     * "value":"<value>"}} (values as Loki writes them: Go's shortest form, {@code NaN}, {@code
     * +Inf}).
     */
    static void printMetric(PrintWriter out, Output format, MetricResult r) {
        if (format == Output.raw) {
            out.printf("%-30s %20s  %s%n", "TIME", "VALUE", "LABELS");
        }
        for (MetricResult.Series s : r.series()) {
            for (int i = 0; i < s.values().length; i++) {
                String ts = LokiTimes.rfc3339Nano(s.timestampsMs()[i] * 1_000_000L);
                String v = Values.formatFloat(s.values()[i]);
                if (format == Output.raw) {
                    out.printf("%-30s %20s  %s%n", ts, v, s.labels());
                    continue;
                }
                StringWriter w = new StringWriter();
                try (JsonGenerator g = Printer.JSON.createGenerator(w)) {
                    g.writeStartObject();
                    g.writeStringField("ts", ts);
                    g.writeObjectFieldStart("labels");
                    for (Label l : s.labels()) {
                        g.writeStringField(l.name(), l.value());
                    }
                    g.writeEndObject();
                    g.writeStringField("value", v);
                    g.writeEndObject();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                out.println(w);
            }
        }
    }

    static void reportSkipped(PrintWriter err, String command, List<SkippedChunk> skipped) {
        for (SkippedChunk s : skipped) {
            err.println(
                    command
                            + ": skipped "
                            + (s.blockIndex() < 0
                                    ? "chunk " + s.externalKey()
                                    : "block " + s.blockIndex() + " of chunk " + s.externalKey())
                            + ": "
                            + s.reason());
        }
    }

    /** {@code logs query}. */
    @Command(
            name = "query",
            mixinStandardHelpOptions = true,
            description = {
                "Print the entries of a log query in time order (newest first with --direction"
                        + " backward), merged across streams and de-duplicated across replicated chunks, as Loki does.",
                "Example: chunkstore logs query --config loki.yaml --user fake '{job=\"varlogs\"} |= \"error\"'"
                        + " --from now-1h --limit 50"
            })
    static final class Query implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin StoreOptions options;

        @Parameters(
                index = "0",
                paramLabel = "QUERY",
                description =
                        "LogQL: a log query ({selector} and its pipeline) or a metric query"
                                + " (rate(...), sum by (...) (...), ...).")
        String query;

        @Option(
                names = "--from",
                defaultValue = "now-1h",
                paramLabel = "TIME",
                description = "Start of the range, inclusive (default: now-1h).")
        String from;

        @Option(
                names = "--to",
                defaultValue = "now",
                paramLabel = "TIME",
                description = "End of the range, exclusive (default: now).")
        String to;

        @Option(
                names = "--direction",
                defaultValue = "forward",
                paramLabel = "DIR",
                description = "forward (oldest first, default) or backward (newest first).")
        String direction;

        @Option(
                names = "--limit",
                defaultValue = "100",
                paramLabel = "N",
                description = "At most N entries (default 100; 0 for all).")
        int limit;

        @Option(
                names = "--step",
                paramLabel = "DURATION",
                description =
                        "Metric queries: the resolution step (default: Loki's, (to - from) / 250, at"
                                + " least 1s).")
        String step;

        @Option(
                names = "--instant",
                description = "Metric queries: evaluate once, at --to (Loki's /query).")
        boolean instant;

        Clock clock = Clock.systemUTC();

        @Override
        public Integer call() {
            Expr expr = LogQL.parse(query);
            long start = CliTime.parseNanos("--from", from, clock);
            long end = CliTime.parseNanos("--to", to, clock);
            if (end < start) {
                throw new IllegalArgumentException(
                        "--to (" + to + ") is before --from (" + from + ")");
            }
            if (limit < 0) {
                throw new IllegalArgumentException("--limit must be 0 or more, not " + limit);
            }
            Direction dir = parseDirection(direction);
            PrintWriter out = spec.commandLine().getOut();
            Printer printer = new Printer(out, options.output);
            QueryOptions qo = QueryOptions.DEFAULT.withSkipCorrupt(options.skipCorrupt);
            QueryGuard guard =
                    new QueryGuard(QueryLimits.DEFAULT.withQueryTimeout(Duration.ofDays(1)));
            try (ConfigStores stores = open(options);
                    LogQuerier querier =
                            new LogQuerier(new StoreLogChunkSource(stores.querier()), qo)) {
                if (expr instanceof Expr.SampleExpr se) {
                    long stepNs = 0;
                    if (!instant) {
                        stepNs =
                                step == null
                                        ? Math.max((end - start) / 250 / 1_000_000_000L, 1)
                                                * 1_000_000_000L
                                        : LokiTimes.duration("--step", step).toNanos();
                    }
                    MetricResult r =
                            new MetricQuerier(querier)
                                    .query(
                                            options.user,
                                            se,
                                            start,
                                            end,
                                            stepNs,
                                            instant,
                                            qo,
                                            guard);
                    printer.print(r);
                    out.flush();
                    reportSkipped(spec.commandLine().getErr(), spec.qualifiedName(), r.skipped());
                    return ExitCodes.OK;
                }
                Expr.LogExpr log = (Expr.LogExpr) expr;
                try (LogIterator it =
                        new PipelineLogIterator(
                                querier.select(options.user, log.selector(), start, end, dir),
                                log.pipeline(),
                                guard)) {
                    long n = 0;
                    while ((limit == 0 || n < limit) && it.hasNext()) {
                        printer.print(it.next());
                        n++;
                    }
                    out.flush();
                    reportSkipped(spec.commandLine().getErr(), spec.qualifiedName(), it.skipped());
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code logs tail}. */
    @Command(
            name = "tail",
            mixinStandardHelpOptions = true,
            description = {
                "Follow a log query as new chunks land in the store: poll it in windows that stay --delay"
                        + " behind now, printing each entry once, in time order, until interrupted.",
                "Chunks flushed later than --delay after their entries are missed (Loki v0.1's store tail has"
                        + " the same limit; Loki 2.x tails the ingesters instead)."
            })
    static final class Tail implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin StoreOptions options;

        @Parameters(
                index = "0",
                paramLabel = "QUERY",
                description = "LogQL: {selector} with optional line filters.")
        String query;

        @Option(
                names = "--from",
                paramLabel = "TIME",
                description = "Where to start (default: now minus delay and window).")
        String from;

        @Option(
                names = "--delay",
                defaultValue = "10s",
                paramLabel = "DURATION",
                description = "How far behind now the tail stays (default 10s).")
        String delay;

        @Option(
                names = "--window",
                defaultValue = "10s",
                paramLabel = "DURATION",
                description = "The length of each polled window (default 10s).")
        String window;

        @Option(
                names = "--limit",
                defaultValue = "0",
                paramLabel = "N",
                description = "Stop after N entries (default 0: follow until interrupted).")
        long limit;

        Clock clock = Clock.systemUTC();
        LogTailer.Sleeper sleeper = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

        @Override
        public Integer call() throws InterruptedException {
            LogQuery q = LogQuery.parse(query);
            TailOptions to =
                    TailOptions.DEFAULT
                            .withDelay(CliTime.parseDuration("--delay", delay))
                            .withWindow(
                                    positive(
                                            "--window", CliTime.parseDuration("--window", window)));
            if (from != null) {
                to = to.withStartNs(CliTime.parseNanos("--from", from, clock));
            }
            PrintWriter out = spec.commandLine().getOut();
            Printer printer = new Printer(out, options.output);
            QueryOptions qo = QueryOptions.DEFAULT.withSkipCorrupt(options.skipCorrupt);
            long[] printed = {0};
            try (ConfigStores stores = open(options);
                    LogQuerier querier =
                            new LogQuerier(new StoreLogChunkSource(stores.querier()), qo)) {
                LogTailer tailer = new LogTailer(querier, options.user, q, to, clock);
                tailer.run(
                        batch -> {
                            for (StreamEntry e : batch) {
                                if (limit > 0 && printed[0] >= limit) {
                                    break;
                                }
                                printer.print(e);
                                printed[0]++;
                            }
                            out.flush();
                        },
                        () -> limit > 0 && printed[0] >= limit,
                        sleeper);
                reportSkipped(spec.commandLine().getErr(), spec.qualifiedName(), tailer.skipped());
            }
            return ExitCodes.OK;
        }

        private static Duration positive(String what, Duration d) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }

    static Direction parseDirection(String d) {
        return switch (d.toLowerCase(Locale.ROOT)) {
            case "forward" -> Direction.FORWARD;
            case "backward" -> Direction.BACKWARD;
            default ->
                    throw new IllegalArgumentException(
                            "--direction must be forward or backward, not " + d);
        };
    }
}
