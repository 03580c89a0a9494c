package io.chunkstore.cli;

import io.chunkstore.cli.common.FreeText;
import io.chunkstore.core.config.ConfigDialect;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.core.schema.LabelValueLookup;
import io.chunkstore.spi.IndexQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code chunkstore schema queries}: the index queries of the chosen lookups, from every period the
 * range touches. Nothing is printed when one lookup is not supported by a period's schema: the
 * error names the schema.
 */
@Command(
        name = "queries",
        mixinStandardHelpOptions = true,
        description = {
            "Print the index read queries of lookups.",
            "One JSON object per line, bytes in lowercase hex (\"\" when empty):",
            "  {\"kind\":\"query\",\"lookup\":KIND,\"table\":T,\"hash\":H,",
            "   \"prefix\":HEX,\"start\":HEX,\"valueEqual\":HEX}",
            "Lookups: metric (all series of --metric), label (series with --label),",
            "labelvalue (--label = --value), chunks (chunks of --series, v9+),",
            "labelnames (label names of --series, v11+). A lookup a period's schema",
            "does not support is an error naming the schema."
        })
final class SchemaQueriesCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SchemaRangeOptions range;

    @Option(
            names = "--lookup",
            required = true,
            split = ",",
            paramLabel = "LIST",
            description = "Comma-separated lookups: ${COMPLETION-CANDIDATES}.",
            converter = SchemaLookup.Converter.class,
            completionCandidates = SchemaLookup.Names.class)
    List<SchemaLookup> lookups;

    @Option(
            names = "--metric",
            parameterConsumer = FreeText.class,
            paramLabel = "M",
            description = "Metric name (for metric, label, labelvalue).")
    String metric;

    @Option(
            names = "--label",
            parameterConsumer = FreeText.class,
            paramLabel = "L",
            description = "Label name (for label, labelvalue).")
    String label;

    @Option(
            names = "--value",
            parameterConsumer = FreeText.class,
            paramLabel = "V",
            description = "Label value (for labelvalue).")
    String value;

    @Option(
            names = "--series",
            parameterConsumer = FreeText.class,
            paramLabel = "S",
            description = "Series ID (for chunks, labelnames).")
    String series;

    @Option(
            names = "--label-value-lookup",
            paramLabel = "start|prefix",
            converter = LookupConverter.class,
            description = {
                "How v9+ schemas read one label value: start (Cortex) or prefix (Loki 2.5+).",
                "Default: the config's: prefix for a Loki config (schema_config:) and for schema v12,",
                "start for a Cortex config."
            })
    LabelValueLookup labelValueLookup;

    @Override
    public Integer call() {
        for (SchemaLookup l : lookups) {
            requireOptions(l);
        }
        List<PeriodRange> ranges = range.readRanges(spec);
        List<String> lines = new ArrayList<>();
        ConfigDialect dialect = range.config().dialect();
        for (PeriodRange r : ranges) {
            LabelValueLookup lookup =
                    labelValueLookup != null
                            ? labelValueLookup
                            : LabelValueLookup.forPeriod(r.period(), dialect);
            IndexSchema schema = IndexSchemas.forPeriod(r.period(), lookup);
            for (SchemaLookup l : lookups) {
                for (IndexQuery q : queries(schema, l, r.fromMs(), r.throughMs())) {
                    lines.add(SchemaJsonLines.query(l.label(), q));
                }
            }
        }
        SchemaJsonLines.print(spec.commandLine().getOut(), lines);
        return ExitCodes.OK;
    }

    private List<IndexQuery> queries(
            IndexSchema schema, SchemaLookup lookup, long from, long through) {
        String user = range.user.id();
        return switch (lookup) {
            case METRIC -> schema.readQueriesForMetric(from, through, user, metric);
            case LABEL -> schema.readQueriesForMetricLabel(from, through, user, metric, label);
            case LABELVALUE ->
                    schema.readQueriesForMetricLabelValue(
                            from, through, user, metric, label, value);
            case CHUNKS -> schema.chunksForSeries(from, through, user, series);
            case LABELNAMES -> schema.labelNamesForSeries(from, through, user, series);
        };
    }

    private void requireOptions(SchemaLookup l) {
        boolean needsMetric =
                l == SchemaLookup.METRIC || l == SchemaLookup.LABEL || l == SchemaLookup.LABELVALUE;
        if (needsMetric && metric == null) {
            throw missing(l, "--metric");
        }
        if ((l == SchemaLookup.LABEL || l == SchemaLookup.LABELVALUE) && label == null) {
            throw missing(l, "--label");
        }
        if (l == SchemaLookup.LABELVALUE && value == null) {
            throw missing(l, "--value");
        }
        if ((l == SchemaLookup.CHUNKS || l == SchemaLookup.LABELNAMES) && series == null) {
            throw missing(l, "--series");
        }
    }

    private ParameterException missing(SchemaLookup l, String option) {
        return new ParameterException(
                spec.commandLine(), "lookup " + l.label() + " needs " + option);
    }

    /** Reads {@code start} or {@code prefix}. */
    static final class LookupConverter implements CommandLine.ITypeConverter<LabelValueLookup> {
        @Override
        public LabelValueLookup convert(String s) {
            try {
                return LabelValueLookup.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not start or prefix");
            }
        }
    }
}
