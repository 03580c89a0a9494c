package io.chunkstore.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.InvalidKeyspaceException;
import com.datastax.oss.driver.api.core.NodeUnavailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.ConnectionInitException;
import com.datastax.oss.driver.api.core.connection.FrameTooLongException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.TruncateException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps driver errors to the SPI's typed errors: timeouts, unreachable or overloaded nodes and
 * consistency failures become retryable {@link UnavailableException} / {@link ThrottledException};
 * a missing table becomes {@link TableNotFoundException}; any other rejected statement becomes
 * {@link InvalidRequestException}.
 */
final class CassandraErrors {
    /**
     * Cassandra's words for a missing table: 3.x/4.x "unconfigured table t", 5.0 "table t does not
     * exist".
     */
    private static final List<Pattern> MISSING_TABLE =
            List.of(
                    Pattern.compile(
                            "unconfigured table ([A-Za-z0-9_.\"]+)", Pattern.CASE_INSENSITIVE),
                    Pattern.compile(
                            "table ([A-Za-z0-9_.\"]+) does not exist", Pattern.CASE_INSENSITIVE),
                    Pattern.compile(
                            "keyspace ([A-Za-z0-9_\"]+) does not exist", Pattern.CASE_INSENSITIVE));

    private CassandraErrors() {}

    /** Strips the wrappers that futures add. */
    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * The SPI error for a failed statement.
     *
     * @param what what was being done, for the message ("index query on table index_2700")
     * @param table the table the statement used, or null; names the missing table in a {@link
     *     TableNotFoundException}
     */
    static StorageException map(Throwable t, String what, String table) {
        Throwable e = unwrap(t);
        if (e instanceof StorageException s) {
            return s;
        }
        String msg = what + " failed: " + describe(e);
        if (e instanceof QueryValidationException || e instanceof InvalidKeyspaceException) {
            if (isMissingTable(e.getMessage())) {
                return new TableNotFoundException(
                        table != null ? table : missingName(e.getMessage()), e);
            }
            if (e instanceof UnauthorizedException) {
                return new StorageException(
                        msg
                                + " (grant the Cassandra user the permission, or check"
                                + " cassandra.username)",
                        e);
            }
            return new InvalidRequestException(msg, e);
        }
        if (e instanceof FrameTooLongException) {
            return new InvalidRequestException(
                    msg
                            + " (the statement is larger than the server's"
                            + " native_transport_max_frame_size)",
                    e);
        }
        if (e instanceof AuthenticationException) {
            return new StorageException(
                    msg + " (check cassandra.auth, username and password / password_file)", e);
        }
        if (e instanceof OverloadedException
                || e instanceof RequestThrottlingException
                || e instanceof BusyConnectionException) {
            return new ThrottledException(msg, e);
        }
        if (e instanceof DriverTimeoutException
                || e instanceof QueryConsistencyException
                || e instanceof com.datastax.oss.driver.api.core.servererrors.UnavailableException
                || e instanceof AllNodesFailedException
                || e instanceof NodeUnavailableException
                || e instanceof ClosedConnectionException
                || e instanceof HeartbeatException
                || e instanceof ConnectionInitException
                || e instanceof BootstrappingException
                || e instanceof TruncateException
                || e instanceof ServerError) {
            if (e instanceof AllNodesFailedException all && allMissingTable(all)) {
                return new TableNotFoundException(
                        table != null ? table : missingName(firstMessage(all)), e);
            }
            return new UnavailableException(msg, e);
        }
        if (e instanceof CancellationException) {
            return new StorageException(what + " was cancelled", e);
        }
        if (e instanceof DriverException) {
            return new StorageException(msg, e);
        }
        return new StorageException(msg, e);
    }

    private static boolean allMissingTable(AllNodesFailedException all) {
        var errors = all.getAllErrors().values();
        return !errors.isEmpty()
                && errors.stream()
                        .flatMap(List::stream)
                        .allMatch(
                                x ->
                                        x instanceof QueryValidationException
                                                && isMissingTable(x.getMessage()));
    }

    private static String firstMessage(AllNodesFailedException all) {
        return all.getAllErrors().values().stream()
                .flatMap(List::stream)
                .map(Throwable::getMessage)
                .findFirst()
                .orElse("");
    }

    static boolean isMissingTable(String message) {
        return message != null && MISSING_TABLE.stream().anyMatch(p -> p.matcher(message).find());
    }

    private static String missingName(String message) {
        for (Pattern p : MISSING_TABLE) {
            Matcher m = p.matcher(message == null ? "" : message);
            if (m.find()) {
                return m.group(1).replace("\"", "");
            }
        }
        return "?";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
