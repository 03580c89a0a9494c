package io.chunkstore.cli;

import io.chunkstore.local.LocalBackup;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chunkstore backup}: a thin front end to {@link LocalBackup}. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Backs up the data directory of the embedded (local) store while it may be in use: a"
                    + " point-in-time copy of the index (read without its lock, so a running serve does not notice) and"
                    + " hard links of the chunk files. The backup is a data directory itself: restore by stopping the"
                    + " store and pointing it (serve --data) at the backup, or moving the backup into place.",
            "Exit codes: 0 done, 3 the source is no local data directory, the target is not empty, or reading"
                    + " or writing failed."
        })
final class BackupCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description =
                    "the data directory (index/ and chunks/), as given to serve --data or local.directory")
    Path data;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DIR2",
            description =
                    "where the backup goes: a new or empty folder, best on the same file system (hard links)")
    Path to;

    @Override
    public Integer call() {
        LocalBackup.Result r = LocalBackup.backup(data, to);
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "backed up %s to %s in %.1f s: %d index entries, %d chunk"
                                + " files linked, %d copied, %d other files%n",
                        data,
                        to,
                        r.took().toMillis() / 1000.0,
                        r.indexEntries(),
                        r.chunkFilesLinked(),
                        r.chunkFilesCopied(),
                        r.otherFiles());
        return ExitCodes.OK;
    }
}
