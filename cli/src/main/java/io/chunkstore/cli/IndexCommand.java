package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.CliBytes;
import io.chunkstore.cli.common.FreeText;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodTables;
import io.chunkstore.core.schema.HashValue;
import io.chunkstore.server.ConfigStores;
import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.IndexQuery;
import io.chunkstore.spi.ReadBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chunkstore index}: raw index rows, and what they mean. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = "Read the index directly.",
        subcommands = {IndexCommand.Scan.class})
public final class IndexCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code index scan}: one hash value's row, streamed, each entry decoded per its schema. */
    @Command(
            name = "scan",
            mixinStandardHelpOptions = true,
            description = {
                "Stream the entries of one index row (table + hash value), in range-value order, each"
                        + " decoded per the schema of the period owning the table: its kind (metric -> series, label ->"
                        + " series, series -> chunk, series -> label names, and the v1-v6 kinds), the parts of the hash"
                        + " value, series and chunk IDs, label values, and the bucket-relative hex times as absolute"
                        + " times.",
                "Byte arguments (--prefix, --start, --value-equal) are UTF-8 text or hex:<digits>, e.g."
                        + " hex:00 for a range value starting with an empty component.",
                "--output json prints one JSON object per entry (JSON lines), as they arrive.",
                "Exit codes: 0 ok, 2 bad config / table not in the schema, 3 store unreachable or table missing."
            })
    static final class Scan implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin StoreOptions store;

        @Mixin OutputOption output;

        @Option(
                names = "--table",
                required = true,
                paramLabel = "TABLE",
                description = "Index table, e.g. index_2600.")
        String table;

        @Option(
                names = "--hash",
                parameterConsumer = FreeText.class,
                required = true,
                paramLabel = "HASH",
                description =
                        "Hash value, e.g. 'userID:d18000:foo' or '03:userID:d18000:foo:bar' (v10+ label"
                                + " rows).")
        String hash;

        @ArgGroup(exclusive = true)
        RangeCondition range;

        static final class RangeCondition {
            @Option(
                    names = "--prefix",
                    paramLabel = "BYTES",
                    description = "Only range values starting with these.")
            String prefix;

            @Option(
                    names = "--start",
                    paramLabel = "BYTES",
                    description = "Only range values >= these (unsigned).")
            String start;
        }

        @Option(
                names = "--value-equal",
                paramLabel = "BYTES",
                description = "Only entries whose value is these bytes.")
        String valueEqual;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "0",
                description = "Stop after N entries (0: no limit). Default: ${DEFAULT-VALUE}.")
        long limit;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--limit must be >= 0");
            }
            ChunkstoreConfig cfg = store.load();
            PeriodTables tables = new PeriodTables(cfg.schemaConfig());
            List<PeriodConfig> owners = tables.indexPeriods(table);
            if (owners.isEmpty()) {
                StringBuilder known = new StringBuilder();
                tables.claims().stream()
                        .filter(c -> c.role() == PeriodTables.Role.INDEX)
                        .forEach(
                                c ->
                                        known.append(known.length() == 0 ? "" : ", ")
                                                .append(c.describe()));
                throw new ConfigException(
                        "table "
                                + table
                                + " is not an index table of any period of "
                                + cfg.source()
                                + " (its index tables: "
                                + known
                                + ")");
            }
            IndexQuery.Builder qb = IndexQuery.builder(table, hash);
            if (range != null && range.prefix != null) {
                qb.rangeValuePrefix(CliBytes.parse(range.prefix));
            }
            if (range != null && range.start != null) {
                qb.rangeValueStart(CliBytes.parse(range.start));
            }
            if (valueEqual != null) {
                qb.valueEqual(CliBytes.parse(valueEqual));
            }
            IndexQuery query = qb.build();
            PeriodConfig owner = ownerFor(cfg, owners);
            IndexEntryDecoder decoder = new IndexEntryDecoder(owner.schema());
            PrintWriter out = spec.commandLine().getOut();
            if (!output.json()) {
                out.println(
                        "table "
                                + table
                                + ", hash "
                                + CliBytes.printable(
                                        hash.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                + ": schema "
                                + owner.schema()
                                + " (period from "
                                + owner.from()
                                + "), store "
                                + owner.store());
            }
            AtomicLong n = new AtomicLong();
            try (ConfigStores opened = store.open(new SimpleMeterRegistry())) {
                opened.backends()
                        .indexClient(owner.store())
                        .queryPages(
                                List.of(query),
                                (q, page) -> {
                                    ReadBatch.ReadBatchIterator it = page.iterator();
                                    while (it.next()) {
                                        if (limit > 0 && n.get() >= limit) {
                                            return false;
                                        }
                                        n.incrementAndGet();
                                        print(out, decoder, it.rangeValue(), it.value());
                                    }
                                    out.flush();
                                    return limit == 0 || n.get() < limit;
                                });
            }
            if (!output.json()) {
                out.println(
                        n.get()
                                + " entries"
                                + (limit > 0 && n.get() >= limit ? " (--limit reached)" : ""));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /**
         * The period whose schema decodes the row: the one owning the hash's bucket, else the
         * newest owner.
         */
        private PeriodConfig ownerFor(ChunkstoreConfig cfg, List<PeriodConfig> owners) {
            var h = HashValue.parse(hash, false).or(() -> HashValue.parse(hash, true));
            if (h.isPresent()) {
                var p = cfg.schemaConfig().periodAt(h.get().bucketStartMs());
                if (p.isPresent() && owners.contains(p.get())) {
                    return p.get();
                }
            }
            return owners.get(owners.size() - 1);
        }

        private void print(
                PrintWriter out, IndexEntryDecoder decoder, byte[] rangeValue, byte[] value) {
            ObjectNode meaning = decoder.decode(hash, rangeValue, value);
            if (output.json()) {
                ObjectNode o = Json.object();
                o.put("table", table);
                o.put("hash", hash);
                o.put("range", CliBytes.hex(rangeValue));
                o.put("value", CliBytes.hex(value));
                o.put("rangeText", CliBytes.printable(rangeValue));
                o.put("valueText", CliBytes.printable(value));
                o.set("meaning", meaning);
                out.println(Json.line(o));
            } else {
                out.println(CliBytes.printable(rangeValue) + "  ->  " + CliBytes.printable(value));
                String d = meaning.path("description").asText("");
                out.println(
                        "    "
                                + meaning.path("kind").asText()
                                + ": "
                                + (d.isEmpty() ? meaning.path("error").asText("") : d));
            }
        }
    }
}
