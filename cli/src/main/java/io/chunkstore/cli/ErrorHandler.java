package io.chunkstore.cli;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidChunkException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import picocli.CommandLine;

/** Turns exceptions into one clear line on stderr and an exit code from {@link ExitCodes}. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
            Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        if (System.getenv("CHUNKSTORE_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        if (ex instanceof ConfigException
                || ex instanceof IllegalArgumentException
                || ex instanceof InvalidRequestException) {
            return ExitCodes.USAGE;
        }
        if (ex instanceof InvalidChunkException) {
            return ExitCodes.FAILED;
        }
        if (ex instanceof StorageException) {
            return ExitCodes.STORAGE;
        }
        if (ex instanceof InterruptedException) {
            return ExitCodes.INTERRUPTED;
        }
        return ExitCodes.FAILED;
    }
}
