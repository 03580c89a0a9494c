package io.chunkstore.dynamodb;

import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Sorts the SDK's errors into what the retry loops and the spi's typed errors need. */
final class DynamoErrors {

    /** What to do about an error. */
    enum Kind {
        /** Capacity or rate: retry after a back-off, count as throttled. */
        THROTTLED,
        /** A transient fault (5xx, connection, timeout): retry after a back-off. */
        RETRYABLE,
        /** The request itself is invalid; repeating it cannot succeed. */
        VALIDATION,
        /** The table does not exist. */
        TABLE_NOT_FOUND,
        /**
         * DynamoDB's LimitExceededException (too many table operations, or capacity decreases for
         * the day).
         */
        LIMIT_EXCEEDED,
        /** The table is being created, updated or deleted (ResourceInUseException). */
        RESOURCE_IN_USE,
        /**
         * The endpoint does not know the operation (UnknownOperationException: DynamoDB Local and
         * tagging).
         */
        UNSUPPORTED,
        /** Anything else: fail. */
        OTHER
    }

    static final Set<String> THROTTLING_CODES =
            Set.of(
                    "ProvisionedThroughputExceededException",
                    "ThrottlingException",
                    "RequestLimitExceeded",
                    "Throttling",
                    "ThrottledException",
                    "TooManyRequestsException");

    private DynamoErrors() {}

    /** The cause inside CompletionException / ExecutionException wrappers. */
    static Throwable unwrap(Throwable t) {
        while (t != null
                && t.getCause() != null
                && t.getCause() != t
                && (t instanceof CompletionException
                        || t instanceof ExecutionException
                        || t instanceof SdkClientException
                                && t.getCause() instanceof SdkServiceException)) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * DynamoDB's error code ("ValidationException", ...), the class name for client-side errors.
     */
    static String errorCode(Throwable t) {
        t = unwrap(t);
        if (t instanceof AwsServiceException a
                && a.awsErrorDetails() != null
                && a.awsErrorDetails().errorCode() != null) {
            return a.awsErrorDetails().errorCode();
        }
        return t.getClass().getSimpleName();
    }

    /**
     * The HTTP status code for the metrics label: the service's, or 500 for client-side failures.
     */
    static String statusCode(Throwable t) {
        t = unwrap(t);
        if (t == null) {
            return "200";
        }
        if (t instanceof SdkServiceException s && s.statusCode() > 0) {
            return Integer.toString(s.statusCode());
        }
        if (t instanceof CancellationException) {
            return "cancel";
        }
        return "500";
    }

    static Kind classify(Throwable t) {
        t = unwrap(t);
        String code = errorCode(t);
        if (THROTTLING_CODES.contains(code)) {
            return Kind.THROTTLED;
        }
        switch (code) {
            case "ValidationException",
                    "SerializationException",
                    "ItemCollectionSizeLimitExceededException" -> {
                return Kind.VALIDATION;
            }
            case "ResourceNotFoundException" -> {
                return Kind.TABLE_NOT_FOUND;
            }
            case "LimitExceededException" -> {
                return Kind.LIMIT_EXCEEDED;
            }
            case "ResourceInUseException" -> {
                return Kind.RESOURCE_IN_USE;
            }
            case "UnknownOperationException" -> {
                return Kind.UNSUPPORTED;
            }
            default -> {}
        }
        if (t instanceof SdkServiceException s) {
            if (s.isThrottlingException()) {
                return Kind.THROTTLED;
            }
            if (s.statusCode() >= 500 || s.isRetryableException() || s.isClockSkewException()) {
                return Kind.RETRYABLE;
            }
            return Kind.OTHER;
        }
        if (t instanceof ApiCallAttemptTimeoutException || t instanceof ApiCallTimeoutException) {
            return Kind.RETRYABLE;
        }
        if (t instanceof SdkClientException c
                && (c.retryable() || hasCause(c, IOException.class))) {
            return Kind.RETRYABLE;
        }
        if (t instanceof SdkException s && s.retryable()) {
            return Kind.RETRYABLE;
        }
        if (t instanceof IOException) {
            return Kind.RETRYABLE;
        }
        return Kind.OTHER;
    }

    static boolean isRetryable(Throwable t) {
        Kind k = classify(t);
        return k == Kind.THROTTLED || k == Kind.RETRYABLE;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The spi's typed error for a failed call on {@code table}: TableNotFoundException,
     * ThrottledException (after retries), UnavailableException, InvalidRequestException, or a plain
     * StorageException.
     */
    static StorageException toStorageException(String operation, String table, Throwable t) {
        t = unwrap(t);
        if (t instanceof StorageException s) {
            return s;
        }
        String where = operation + (table == null || table.isEmpty() ? "" : " on table " + table);
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return switch (classify(t)) {
            case TABLE_NOT_FOUND -> new TableNotFoundException(table, t);
            case THROTTLED ->
                    new ThrottledException(
                            where
                                    + " throttled by DynamoDB after the configured retries"
                                    + " (raise provisioned capacity or aws.dynamodb.backoff_config.max_retries): "
                                    + detail,
                            t);
            case RETRYABLE ->
                    new UnavailableException(
                            where + " failed after the configured retries: " + detail, t);
            case VALIDATION ->
                    new InvalidRequestException(where + " rejected by DynamoDB: " + detail, t);
            case RESOURCE_IN_USE ->
                    new UnavailableException(
                            where
                                    + ": the table is busy (being created, updated"
                                    + " or deleted); try again when it is ACTIVE: "
                                    + detail,
                            t);
            case LIMIT_EXCEEDED ->
                    new ThrottledException(where + ": DynamoDB limit exceeded: " + detail, t);
            case UNSUPPORTED ->
                    new InvalidRequestException(
                            where
                                    + ": this DynamoDB endpoint does not support the"
                                    + " operation: "
                                    + detail,
                            t);
            case OTHER -> new StorageException(where + " failed: " + detail, t);
        };
    }
}
