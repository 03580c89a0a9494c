package io.chunkstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code chunkstore schema}: what a schema config writes and reads, printed as JSON lines that
 * other tools compare ({@code entries} and {@code queries}).
 */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description =
                "Show the index entries and read queries a schema config produces (Cortex/Loki byte layout).",
        subcommands = {SchemaEntriesCommand.class, SchemaQueriesCommand.class})
public final class SchemaCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
