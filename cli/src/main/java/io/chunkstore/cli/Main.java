package io.chunkstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The chunkstore executable. Each sub-command lives in its own class and prints {@code --help}. */
@Command(
        name = "chunkstore",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "A storage engine for Cortex/Loki chunk stores on Cassandra, Bigtable, DynamoDB, S3 and a local"
                        + " embedded store.",
        subcommands = {
            CommandLine.HelpCommand.class,
            SchemaCommand.class,
            ChunkCommand.class,
            ServeCommand.class,
            TablesCommand.class,
            QueryCommand.class,
            LabelsCommand.class,
            IndexCommand.class,
            ConformanceCommand.class,
            LogsCommand.class,
            MigrateCommand.class,
            BenchCommand.class,
            BackupCommand.class,
            DeleteCommand.class,
            ConvertCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
