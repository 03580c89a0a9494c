package io.chunkstore.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.core.config.PeriodConfig;
import io.chunkstore.core.config.PeriodicTableConfig;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Label;
import io.chunkstore.core.model.Labels;
import io.chunkstore.spi.Bytes;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.IndexQuery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Properties of the index keys over random label sets, tenants and times. */
class IndexKeyPropertiesTest {
    static final long Y2000 = 946_684_800_000L;
    static final long Y2035 = 2_051_222_400_000L;
    static final long DAY = 86_400_000L;

    /** One chunk to index. */
    record Chunk(String user, Labels labels, long from, long through, String chunkId) {}

    static PeriodConfig period(SchemaVersion v) {
        return new PeriodConfig(
                LocalDate.of(1970, 1, 1),
                "local",
                "",
                v,
                PeriodicTableConfig.of("index_", Duration.ofHours(v.hasHourlyBuckets() ? 24 : 168)),
                PeriodicTableConfig.of("chunks_", Duration.ofHours(168)),
                16);
    }

    @Provide
    Arbitrary<SchemaVersion> versions() {
        return Arbitraries.of(SchemaVersion.class);
    }

    @Provide
    Arbitrary<Chunk> chunks() {
        Arbitrary<String> users =
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars('-', '_')
                        .ofMinLength(1)
                        .ofMaxLength(12);
        Arbitrary<String> names =
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withChars('_')
                        .ofMinLength(1)
                        .ofMaxLength(8)
                        .filter(n -> !n.equals(Labels.METRIC_NAME));
        Arbitrary<String> values =
                Arbitraries.strings()
                        .withCharRange('\u0001', '\u007f')
                        .withCharRange('\u00a0', '\ud7ff')
                        .ofMaxLength(16);
        Arbitrary<Map<String, String>> others = Arbitraries.maps(names, values).ofMaxSize(5);
        Arbitrary<String> metric =
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withChars('_', ':')
                        .ofMinLength(1)
                        .ofMaxLength(10);
        Arbitrary<Long> from = Arbitraries.longs().between(Y2000, Y2035);
        Arbitrary<Long> length = Arbitraries.longs().between(0, 2 * DAY);
        Arbitrary<String> hex =
                Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(1).ofMaxLength(16);
        return Combinators.combine(users, metric, others, from, length, hex)
                .as(
                        (u, m, o, f, len, h) -> {
                            Labels labels = Labels.of(o).with(Labels.METRIC_NAME, m);
                            return new Chunk(
                                    u,
                                    labels,
                                    f,
                                    f + len,
                                    u
                                            + "/"
                                            + h
                                            + ":"
                                            + Long.toHexString(f)
                                            + ":"
                                            + Long.toHexString(f + len)
                                            + ":"
                                            + h);
                        });
    }

    /**
     * Writing a chunk and parsing every entry back gives the chunk's IDs and label values, bucket
     * by bucket.
     */
    @Property(tries = 200)
    void parsingWrittenEntriesGivesBackWhatWasWritten(
            @ForAll("versions") SchemaVersion v, @ForAll("chunks") Chunk c) {
        IndexSchema schema = IndexSchemas.forPeriod(period(v));
        String series = SeriesId.of(c.labels()).value();
        List<String> expected = new ArrayList<>();
        List<String> labelNames = new ArrayList<>();
        for (Label l : c.labels().without(Labels.METRIC_NAME)) {
            labelNames.add(l.name());
        }
        int buckets = schema.buckets(c.from(), c.through(), c.user()).size();
        for (int b = 0; b < buckets; b++) {
            String id = v.isSeriesStore() ? series : c.chunkId();
            if (v.number() >= 4) {
                expected.add(id + "|");
            }
            for (Label l : c.labels().without(Labels.METRIC_NAME)) {
                expected.add(id + "|" + l.value());
            }
            if (v.isSeriesStore()) {
                expected.add(c.chunkId() + "|");
            }
            if (v.hasLabelNamesIndex()) {
                expected.add("names|" + labelNames);
            }
        }
        List<String> parsed = new ArrayList<>();
        for (IndexEntry e :
                schema.writeEntries(c.from(), c.through(), c.user(), c.labels(), c.chunkId())) {
            if (RangeValue.decode(e.rangeValue()).marker().orElse(null)
                    == RangeValueMarker.LABEL_NAMES_V1) {
                assertThat(e.hashValue()).isEqualTo(series);
                parsed.add(
                        "names|"
                                + RangeValueParser.parseLabelNamesValue(e.rangeValue(), e.value()));
            } else {
                ParsedRangeValue p =
                        RangeValueParser.parseChunkTimeRangeValue(e.rangeValue(), e.value());
                parsed.add(p.id() + "|" + p.labelValue());
            }
        }
        assertThat(parsed).containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * The chunks-of-series query of a bucket finds the chunk entry exactly when the chunk ends at
     * or after it.
     */
    @Property(tries = 300)
    void chunkEntriesMatchQueriesByEndTime(
            @ForAll("chunks") Chunk c,
            @ForAll @LongRange(min = 0, max = DAY - 1) long queryOffset) {
        IndexSchema schema = IndexSchemas.forPeriod(period(SchemaVersion.V11));
        long day = c.through() / DAY;
        long queryFrom = day * DAY + queryOffset;
        String series = SeriesId.of(c.labels()).value();
        List<IndexEntry> entries =
                schema.chunkWriteEntries(c.from(), c.through(), c.user(), c.labels(), c.chunkId());
        IndexEntry last = entries.get(entries.size() - 1);
        IndexQuery q = schema.chunksForSeries(queryFrom, queryFrom, c.user(), series).get(0);
        assertThat(q.hashValue()).isEqualTo(last.hashValue());
        assertThat(q.matches(last.rangeValue(), last.value())).isEqualTo(c.through() >= queryFrom);
    }

    /**
     * hexTime sorts like the numbers it encodes, as text and as unsigned bytes, and decodes back.
     */
    @Property(tries = 1000)
    void hexTimeOrderIsNumericOrder(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long a,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long b) {
        assertThat(Integer.signum(HexTime.encode(a).compareTo(HexTime.encode(b))))
                .isEqualTo(Long.signum(a - b));
        assertThat(Integer.signum(Bytes.compare(HexTime.encodeBytes(a), HexTime.encodeBytes(b))))
                .isEqualTo(Long.signum(a - b));
        assertThat(HexTime.decode(HexTime.encode(a))).isEqualTo(a);
    }

    /** Within a bucket, chunk range keys sort like the chunks' end times. */
    @Property(tries = 300)
    void chunkRangeKeysSortLikeTheirEndTimes(
            @ForAll @LongRange(min = 0, max = DAY - 1) long endA,
            @ForAll @LongRange(min = 0, max = DAY - 1) long endB,
            @ForAll("chunks") Chunk c) {
        IndexSchema schema = IndexSchemas.forPeriod(period(SchemaVersion.V10));
        long base = (c.from() / DAY) * DAY;
        byte[] a =
                schema.chunkWriteEntries(base, base + endA, c.user(), c.labels(), c.chunkId() + "a")
                        .get(0)
                        .rangeValue();
        byte[] b =
                schema.chunkWriteEntries(base, base + endB, c.user(), c.labels(), c.chunkId())
                        .get(0)
                        .rangeValue();
        if (endA != endB) {
            assertThat(Integer.signum(Bytes.compare(a, b))).isEqualTo(Long.signum(endA - endB));
        }
    }

    /** The series ID depends on the labels, not on the order they were given in. */
    @Property(tries = 300)
    void seriesIdIsStableUnderLabelOrder(@ForAll("chunks") Chunk c, @ForAll long seed) {
        List<Label> shuffled = new ArrayList<>(c.labels().asList());
        Collections.shuffle(shuffled, new Random(seed));
        Labels again = Labels.of(shuffled);
        assertThat(SeriesId.of(again)).isEqualTo(SeriesId.of(c.labels()));
        assertThat(SeriesId.labelsString(again)).isEqualTo(SeriesId.labelsString(c.labels()));
        assertThat(SeriesId.of(c.labels()).value().getBytes(StandardCharsets.US_ASCII)).hasSize(43);
    }
}
