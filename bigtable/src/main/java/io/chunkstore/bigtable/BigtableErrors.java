package io.chunkstore.bigtable;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps errors of the Bigtable client (gax {@link ApiException}s carrying a gRPC code) to the SPI's
 * typed errors.
 */
final class BigtableErrors {
    private BigtableErrors() {}

    /**
     * The typed error for a failed operation on {@code table}.
     *
     * @param what what was being done, for the message ("reading index rows", "writing chunks",
     *     ...)
     * @param table the table the operation named; NOT_FOUND on it means the table does not exist
     */
    static StorageException map(Throwable error, String what, String table) {
        Throwable t = unwrap(error);
        if (t instanceof StorageException s) {
            return s;
        }
        if (!(t instanceof ApiException api)) {
            return new StorageException(
                    "Bigtable: " + what + " in table " + table + " failed: " + t, t);
        }
        StatusCode.Code code = api.getStatusCode().getCode();
        String msg =
                "Bigtable: "
                        + what
                        + " in table "
                        + table
                        + " failed with "
                        + code
                        + ": "
                        + api.getMessage();
        return switch (code) {
            case NOT_FOUND -> new TableNotFoundException(table, api);
            case RESOURCE_EXHAUSTED ->
                    new ThrottledException(msg + " (retry with back-off, or add nodes)", api);
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED -> new UnavailableException(msg, api);
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE ->
                    new InvalidRequestException(msg + familyHint(api, table), api);
            case UNIMPLEMENTED ->
                    new InvalidRequestException(
                            msg
                                    + (String.valueOf(api.getMessage()).contains("grpc-encoding")
                                            ? " (the server cannot decompress this request: unset"
                                                    + " bigtable.grpc_client_config.grpc_compression; the emulator has no gzip)"
                                            : ""),
                            api);
            case PERMISSION_DENIED, UNAUTHENTICATED ->
                    new StorageException(
                            msg
                                    + " (check bigtable.credentials_file or the application default credentials, and the IAM roles"
                                    + " of that identity on the instance)",
                            api);
            default -> new StorageException(msg + familyHint(api, table), api);
        };
    }

    private static String familyHint(ApiException api, String table) {
        String m = String.valueOf(api.getMessage());
        return m.contains("family")
                ? " (table "
                        + table
                        + " needs column family '"
                        + IndexLayout.FAMILY
                        + "'; create it with `chunkstore tables sync` or add the family)"
                : "";
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether the error is the gRPC NOT_FOUND code. */
    static boolean isNotFound(Throwable t) {
        return unwrap(t) instanceof ApiException a
                && a.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND;
    }

    /** Whether the error is the gRPC ALREADY_EXISTS code. */
    static boolean isAlreadyExists(Throwable t) {
        return unwrap(t) instanceof ApiException a
                && a.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS;
    }

    static boolean isCancelled(Throwable t) {
        Throwable u = unwrap(t);
        return u instanceof CancellationException
                || u instanceof ApiException a
                        && a.getStatusCode().getCode() == StatusCode.Code.CANCELLED;
    }
}
