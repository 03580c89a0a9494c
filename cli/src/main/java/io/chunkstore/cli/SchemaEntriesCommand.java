package io.chunkstore.cli;

import io.chunkstore.cli.common.FreeText;
import io.chunkstore.core.chunk.ChunkRef;
import io.chunkstore.core.config.PeriodRange;
import io.chunkstore.core.model.Labels;
import io.chunkstore.core.model.Selectors;
import io.chunkstore.core.schema.IndexSchema;
import io.chunkstore.core.schema.IndexSchemas;
import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.InvalidChunkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore schema entries}: the index entries one chunk writes, from every period its
 * range touches (each with the part of the range inside it).
 */
@Command(
        name = "entries",
        mixinStandardHelpOptions = true,
        description = {
            "Print the index entries a chunk writes.",
            "One JSON object per line, bytes in lowercase hex (\"\" when empty):",
            "  {\"kind\":\"entry\",\"table\":T,\"hash\":H,\"range\":HEX,\"value\":HEX}",
            "A range spanning periods gives the entries of each period for its part of the range."
        })
final class SchemaEntriesCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin SchemaRangeOptions range;

    @Option(
            names = "--labels",
            parameterConsumer = FreeText.class,
            required = true,
            paramLabel = "LABELS",
            description = "The series' label set, e.g. '{__name__=\"foo\",bar=\"baz\"}'.")
    String labels;

    @Option(
            names = "--chunk-id",
            parameterConsumer = FreeText.class,
            required = true,
            paramLabel = "ID",
            description =
                    "The chunk's external key, e.g. userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c.")
    String chunkId;

    @Override
    public Integer call() {
        Labels series = Selectors.parseLabels(labels);
        try {
            ChunkRef.parse(range.user.id(), chunkId);
        } catch (InvalidChunkException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--chunk-id: " + e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        for (PeriodRange r : range.writeRanges(spec)) {
            IndexSchema schema = IndexSchemas.forPeriod(r.period());
            for (IndexEntry e :
                    schema.writeEntries(
                            r.fromMs(), r.throughMs(), range.user.id(), series, chunkId)) {
                lines.add(SchemaJsonLines.entry(e));
            }
        }
        SchemaJsonLines.print(spec.commandLine().getOut(), lines);
        return ExitCodes.OK;
    }
}
