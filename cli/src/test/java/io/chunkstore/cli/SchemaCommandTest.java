package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.ChunkstoreConfig;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code chunkstore schema entries|queries} run in-process: their output is a contract other tools
 * compare, so it is checked against every golden vector of
 * testdata/golden/cortex-v1.10-worked-example.jsonl, field order included.
 */
class SchemaCommandTest {
    static final String USER = "userID";
    static final String LABELS = "{__name__=\"foo\",bar=\"baz\",toms=\"code\"}";
    static final String FROM = "1557650721000";
    static final String THROUGH = "1557654321000";
    static final String CHUNK_ID = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c";
    static final String SERIES = "RVx3DJDRAnTHR0bqV0yNgIzcqzjbFtvyPZ7baU2THso";
    static final List<String> ENTRY_FIELDS = List.of("kind", "table", "hash", "range", "value");
    static final List<String> QUERY_FIELDS =
            List.of("kind", "lookup", "table", "hash", "prefix", "start", "valueEqual");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    record Run(int exit, String out, String err) {
        List<Map<String, String>> objects(List<String> fieldOrder) throws IOException {
            List<Map<String, String>> out = new ArrayList<>();
            for (String line : this.out.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                List<String> fields = new ArrayList<>();
                n.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("field order of %s", line).isEqualTo(fieldOrder);
                Map<String, String> m = new TreeMap<>();
                for (Map.Entry<String, JsonNode> f : n.properties()) {
                    assertThat(f.getValue().isTextual()).as("%s is a string", f.getKey()).isTrue();
                    m.put(f.getKey(), f.getValue().asText());
                }
                out.add(m);
            }
            return out;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path goldenDir() {
        String prop = System.getProperty("chunkstore.golden.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
                p != null;
                p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata/golden"))) {
                return p.resolve("testdata/golden");
            }
        }
        throw new IllegalStateException("testdata/golden not found");
    }

    static Path repoRoot() {
        return goldenDir().getParent().getParent();
    }

    static List<Map<String, String>> golden(String kind, SchemaVersion v) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(goldenDir().resolve("cortex-v1.10-worked-example.jsonl"))) {
            if (!line.isBlank()) {
                @SuppressWarnings("unchecked")
                Map<String, String> m = new TreeMap<>(JSON.readValue(line, Map.class));
                if (m.get("kind").equals(kind) && m.remove("schema").equals(v.configName())) {
                    out.add(m);
                }
            }
        }
        assertThat(out).as("golden %s lines of %s", kind, v).isNotEmpty();
        return out;
    }

    /** The worked example's config for one schema, as a Cortex schema file. */
    Path config(SchemaVersion v) throws IOException {
        String index =
                v == SchemaVersion.V1
                        ? "{prefix: index, period: 0}"
                        : "{prefix: index_, period: 168h}";
        Path f = tmp.resolve(v + ".yaml");
        Files.writeString(
                f,
                "configs:\n- from: 2019-01-01\n  store: local\n  schema: "
                        + v
                        + "\n  index: "
                        + index
                        + "\n  chunks: {prefix: chunks_, period: 168h}\n  row_shards: 16\n");
        return f;
    }

    @ParameterizedTest
    @EnumSource(
            value = SchemaVersion.class,
            names = {"V1", "V2", "V3", "V4", "V5", "V6", "V9", "V10", "V11"})
    void entriesPrintTheGoldenVectors(SchemaVersion v) throws IOException {
        Run r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        config(v).toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.objects(ENTRY_FIELDS)).containsExactlyInAnyOrderElementsOf(golden("entry", v));
    }

    @ParameterizedTest
    @EnumSource(
            value = SchemaVersion.class,
            names = {"V1", "V2", "V3", "V4", "V5", "V6", "V9", "V10", "V11"})
    void queriesPrintTheGoldenVectors(SchemaVersion v) throws IOException {
        String lookups =
                "metric,label,labelvalue"
                        + (v.isSeriesStore() ? ",chunks" : "")
                        + (v.hasLabelNamesIndex() ? ",labelnames" : "");
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(v).toString(),
                        "--user",
                        USER,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        lookups,
                        "--metric",
                        "foo",
                        "--label",
                        "bar",
                        "--value",
                        "baz",
                        "--series",
                        SERIES);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.objects(QUERY_FIELDS)).containsExactlyInAnyOrderElementsOf(golden("query", v));
    }

    @Test
    void anUnsupportedLookupIsAnErrorNamingTheSchema() throws IOException {
        for (SchemaVersion v : List.of(SchemaVersion.V9, SchemaVersion.V10)) {
            Run r =
                    run(
                            "schema",
                            "queries",
                            "--config",
                            config(v).toString(),
                            "--user",
                            USER,
                            "--from",
                            FROM,
                            "--through",
                            THROUGH,
                            "--lookup",
                            "metric,labelnames",
                            "--metric",
                            "foo",
                            "--series",
                            SERIES);
            assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err())
                    .contains("schema " + v + " does not support label names of a series");
            assertThat(r.out()).as("nothing printed when a lookup fails").isEmpty();
        }
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(SchemaVersion.V6).toString(),
                        "--user",
                        USER,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        "chunks",
                        "--series",
                        SERIES);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("schema v6 does not support chunks of a series");
    }

    @Test
    void lookupsNeedTheirOptions() throws IOException {
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        "labelvalue",
                        "--metric",
                        "foo",
                        "--label",
                        "bar");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("lookup labelvalue needs --value");
        r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        "metric,bogus",
                        "--metric",
                        "foo");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("unknown lookup 'bogus'");
    }

    @Test
    void lokiLabelValueLookupPrintsAPrefix() throws IOException {
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        "labelvalue",
                        "--metric",
                        "foo",
                        "--label",
                        "bar",
                        "--value",
                        "baz",
                        "--label-value-lookup",
                        "prefix");
        assertThat(r.exit()).as(r.err()).isZero();
        List<Map<String, String>> q = r.objects(QUERY_FIELDS);
        assertThat(q)
                .hasSize(16)
                .allSatisfy(
                        m -> {
                            assertThat(m.get("start")).isEmpty();
                            assertThat(m.get("prefix"))
                                    .isEqualTo(
                                            Bytes.hex(
                                                    "uqWglk0zIPvAxqkiFARTyFE+okq4/QV3A0gEqWckgJY\0"
                                                            .getBytes()));
                            assertThat(m.get("valueEqual")).isEqualTo("62617a");
                        });
    }

    @Test
    void entriesOfARangeAcrossTwoPeriodsComeFromBothClipped() throws IOException {
        Path f = tmp.resolve("two.yaml");
        Files.writeString(
                f,
                """
                schema:
                  configs:
                  - {from: 2019-01-01, store: local, schema: v9, index: {prefix: index_, period: 168h}}
                  - {from: 2019-05-12, store: local, schema: v11, index: {prefix: index_, period: 168h}}
                """);
        long boundary = Instant.parse("2019-05-12T00:00:00Z").toEpochMilli();
        long from = boundary - 1_800_000;
        long through = boundary + 1_800_000;
        Run r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        f.toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        Long.toString(from),
                        "--through",
                        Long.toString(through),
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).as(r.err()).isZero();

        ChunkstoreConfig cfg = ChunkstoreConfig.load(f);
        List<PeriodRange> ranges = cfg.schemaConfig().split(from, through);
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(0).throughMs()).isEqualTo(boundary - 1);
        List<Map<String, String>> expected = new ArrayList<>();
        for (PeriodRange pr : ranges) {
            for (IndexEntry e :
                    IndexSchemas.forPeriod(pr.period())
                            .writeEntries(
                                    pr.fromMs(),
                                    pr.throughMs(),
                                    USER,
                                    Labels.of("__name__", "foo", "bar", "baz", "toms", "code"),
                                    CHUNK_ID)) {
                expected.add(
                        new TreeMap<>(
                                Map.of(
                                        "kind",
                                        "entry",
                                        "table",
                                        e.tableName(),
                                        "hash",
                                        e.hashValue(),
                                        "range",
                                        Bytes.hex(e.rangeValue()),
                                        "value",
                                        Bytes.hex(e.value()))));
            }
        }
        List<Map<String, String>> printed = r.objects(ENTRY_FIELDS);
        assertThat(printed).containsExactlyInAnyOrderElementsOf(expected);
        // v9 writes day 18027 up to the last millisecond before the boundary (relThrough 86399999 =
        // 05265bff) and
        // no label-names row; v11 writes day 18028 from its start, with the label-names row.
        String chunkRowV9 = "userID:d18027:" + SERIES;
        assertThat(printed)
                .filteredOn(m -> m.get("hash").equals(chunkRowV9))
                .singleElement()
                .satisfies(
                        m ->
                                assertThat(m.get("range"))
                                        .startsWith(Bytes.hex("05265bff".getBytes())));
        assertThat(printed)
                .filteredOn(m -> m.get("hash").equals(SERIES))
                .singleElement()
                .satisfies(m -> assertThat(m.get("table")).isEqualTo("index_2575"));
        assertThat(printed)
                .extracting(m -> m.get("hash"))
                .contains("userID:d18027:foo", "03:userID:d18028:foo");
    }

    @Test
    void theReadmeCommandPrintsTheV11GoldenEntries() throws IOException {
        Path example = repoRoot().resolve("examples/schema.yaml");
        Run r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        example.toString(),
                        "--user",
                        "userID",
                        "--labels",
                        "{__name__=\"foo\",bar=\"baz\",toms=\"code\"}",
                        "--from",
                        "1557650721000",
                        "--through",
                        "1557654321000",
                        "--chunk-id",
                        "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.objects(ENTRY_FIELDS))
                .containsExactlyInAnyOrderElementsOf(golden("entry", SchemaVersion.V11));
        String readme = Files.readString(repoRoot().resolve("README.md"));
        assertThat(readme.replaceAll("\\s*\\\\\\n\\s*", " "))
                .contains(
                        "bin/chunkstore schema entries --config"
                                + " examples/schema.yaml --user userID --labels '{__name__=\"foo\",bar=\"baz\",toms=\"code\"}'"
                                + " --from 1557650721000 --through 1557654321000 --chunk-id"
                                + " userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c");
    }

    /** The same v11 (or v12) period as a Cortex schema file, a Cortex config, or a Loki config. */
    Path dialectConfig(String dialect, SchemaVersion v) throws IOException {
        String period =
                "- from: 2019-01-01\n  store: local\n  schema: "
                        + v
                        + "\n  index: {prefix: index_, period: 168h}"
                        + "\n  chunks: {prefix: chunks_, period: 168h}\n  row_shards: 16\n";
        String body =
                switch (dialect) {
                    case "cortex-schema-file" -> "configs:\n" + period;
                    case "cortex" ->
                            "schema:\n  configs:\n"
                                    + period.replaceAll("(?m)^", "  ").stripTrailing()
                                    + "\n";
                    case "loki" ->
                            "schema_config:\n  configs:\n"
                                    + period.replaceAll("(?m)^", "  ").stripTrailing()
                                    + "\n";
                    default -> throw new IllegalArgumentException(dialect);
                };
        Path f = tmp.resolve(dialect + "-" + v + ".yaml");
        Files.writeString(f, body);
        return f;
    }

    @ParameterizedTest
    @CsvSource({
        "cortex-schema-file, V11, start",
        "cortex, V11, start",
        "loki, V11, prefix",
        "loki, V12, prefix",
        "cortex, V12, prefix"
    })
    void theConfigsDialectChoosesTheLabelValueLookup(
            String dialect, SchemaVersion v, String expected) throws IOException {
        Path f = dialectConfig(dialect, v);
        for (String flag : new String[] {null, "start", "prefix"}) {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "schema",
                                    "queries",
                                    "--config",
                                    f.toString(),
                                    "--user",
                                    USER,
                                    "--from",
                                    FROM,
                                    "--through",
                                    THROUGH,
                                    "--lookup",
                                    "labelvalue",
                                    "--metric",
                                    "foo",
                                    "--label",
                                    "bar",
                                    "--value",
                                    "baz"));
            if (flag != null) {
                args.addAll(List.of("--label-value-lookup", flag));
            }
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            String want = flag == null ? expected : flag;
            assertThat(r.objects(QUERY_FIELDS))
                    .as("%s %s --label-value-lookup=%s", dialect, v, flag)
                    .isNotEmpty()
                    .allSatisfy(
                            m -> {
                                assertThat(m.get(want.equals("prefix") ? "start" : "prefix"))
                                        .isEmpty();
                                assertThat(m.get(want))
                                        .startsWith(
                                                Bytes.hex(
                                                        "uqWglk0zIPvAxqkiFARTyFE+okq4/QV3A0gEqWckgJY\0"
                                                                .getBytes()));
                            });
        }
    }

    @Test
    void queriesOfARangeBeforeTheFirstPeriodAreEmptyWithANote() throws IOException {
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--from",
                        "0",
                        "--through",
                        "1000",
                        "--lookup",
                        "metric",
                        "--metric",
                        "foo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("ends before the first period");
        r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--chunk-id",
                        "garbage");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--chunk-id", "garbage");
    }

    @Test
    void theLokiExampleLoadsAndAnswers() {
        Path example = repoRoot().resolve("examples/loki-config.yaml");
        ChunkstoreConfig cfg = ChunkstoreConfig.load(example);
        assertThat(cfg.dialect()).isEqualTo(ConfigDialect.LOKI);
        assertThat(cfg.metricsNamespace()).isEqualTo("loki");
        assertThat(cfg.schemaConfig().periods())
                .extracting(p -> p.schema().configName())
                .containsExactly("v11", "v12");
        assertThat(cfg.schemaConfig().periods())
                .allSatisfy(p -> assertThat(p.objectStore()).isEqualTo("local"));
        assertThat(cfg.storage()).containsKey("local");
        Run r =
                run(
                        "schema",
                        "queries",
                        "--config",
                        example.toString(),
                        "--user",
                        "fake",
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--lookup",
                        "labelnames",
                        "--series",
                        SERIES);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"hash\":\"" + SERIES + "\"");
    }

    @Test
    void badInputsExitWithUsageErrors() throws IOException {
        Run r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        tmp.resolve("missing.yaml").toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("missing.yaml does not exist");
        r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--labels",
                        "{bar=\"baz\"",
                        "--from",
                        FROM,
                        "--through",
                        THROUGH,
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        THROUGH,
                        "--through",
                        FROM,
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("is before --from");
        r =
                run(
                        "schema",
                        "entries",
                        "--config",
                        config(SchemaVersion.V11).toString(),
                        "--user",
                        USER,
                        "--labels",
                        LABELS,
                        "--from",
                        "0",
                        "--through",
                        "1000",
                        "--chunk-id",
                        CHUNK_ID);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("ends before the first period");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args :
                List.of(
                        new String[] {"schema", "--help"},
                        new String[] {"schema", "entries", "--help"},
                        new String[] {"schema", "queries", "--help"})) {
            Run r = run(args);
            assertThat(r.exit()).isZero();
            assertThat(r.out())
                    .contains(
                            "Usage: chunkstore "
                                    + String.join(" ", List.of(args).subList(0, args.length - 1)));
        }
        assertThat(run("schema", "queries", "--help").out())
                .contains("--lookup", "--label-value-lookup");
    }
}
