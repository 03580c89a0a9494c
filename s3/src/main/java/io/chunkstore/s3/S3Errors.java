package io.chunkstore.s3;

import io.chunkstore.spi.ConfigException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.ObjectNotFoundException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Turns what the SDK throws, once its retries are spent, into the spi's typed errors: a missing key
 * is {@link ObjectNotFoundException}; throttling (503 SlowDown, 429, the SDK's throttling codes) is
 * {@link ThrottledException}; other 5xx answers, connection failures and timeouts are {@link
 * UnavailableException}; a missing bucket is a {@link ConfigException}; other 4xx answers are
 * {@link InvalidRequestException}.
 */
final class S3Errors {
    private S3Errors() {}

    /** The SDK exception inside a future's wrapper. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isThrottling(Throwable t) {
        if (t instanceof SdkServiceException e) {
            if (e.isThrottlingException() || e.statusCode() == 429) {
                return true;
            }
            return e instanceof AwsServiceException a
                    && a.awsErrorDetails() != null
                    && "SlowDown".equals(a.awsErrorDetails().errorCode());
        }
        return false;
    }

    /**
     * The typed error for a failed call.
     *
     * @param operation what was done, for the message ({@code getting object}, {@code listing
     *     bucket})
     * @param bucket the bucket
     * @param objectName the object name, or the list prefix
     * @param key the caller's key (the object name without {@code object_prefix}), for not-found
     *     errors
     * @param notFound whether a 404 means the object is missing (gets, heads) rather than the
     *     bucket
     */
    static StorageException map(
            Throwable thrown,
            String operation,
            String bucket,
            String objectName,
            String key,
            boolean notFound) {
        Throwable t = unwrap(thrown);
        if (t instanceof StorageException se) {
            return se;
        }
        String where = "s3://" + bucket + "/" + objectName;
        if (t instanceof NoSuchKeyException) {
            return new ObjectNotFoundException(key, t);
        }
        if (t instanceof NoSuchBucketException) {
            return new ConfigException(
                    "S3 bucket '"
                            + bucket
                            + "' does not exist (check bucketnames and the endpoint"
                            + " and region)",
                    t);
        }
        if (isThrottling(t)) {
            return new ThrottledException(
                    "S3 throttled "
                            + operation
                            + " "
                            + where
                            + " and retries ran out ("
                            + describe(t)
                            + "); lower the request rate or spread chunks over more buckets or prefixes",
                    t);
        }
        if (t instanceof SdkServiceException e) {
            int status = e.statusCode();
            if (status == 404 && notFound) {
                return new ObjectNotFoundException(key, t);
            }
            if (status >= 500) {
                return new UnavailableException(
                        "S3 failed "
                                + operation
                                + " "
                                + where
                                + " after retries ("
                                + describe(t)
                                + ")",
                        t);
            }
            if (status == 403 || status == 401) {
                return new StorageException(
                        "S3 denied "
                                + operation
                                + " "
                                + where
                                + " ("
                                + describe(t)
                                + "); check the credentials, the region and the bucket policy",
                        t);
            }
            if (status == 404) {
                return new ConfigException(
                        "S3 answered 404 for "
                                + operation
                                + " "
                                + where
                                + " ("
                                + describe(t)
                                + "); check that the bucket exists at the endpoint",
                        t);
            }
            return new InvalidRequestException(
                    "S3 rejected " + operation + " " + where + " (" + describe(t) + ")", t);
        }
        if (t instanceof SdkClientException) {
            return new UnavailableException(
                    "could not reach S3 for "
                            + operation
                            + " "
                            + where
                            + " after retries: "
                            + t.getMessage(),
                    t);
        }
        return new StorageException(operation + " " + where + " failed: " + t, t);
    }

    /** HTTP status and S3 error code of an answer. */
    static String describe(Throwable t) {
        if (t instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return "HTTP "
                    + a.statusCode()
                    + " "
                    + a.awsErrorDetails().errorCode()
                    + ": "
                    + a.awsErrorDetails().errorMessage();
        }
        if (t instanceof SdkServiceException e) {
            return "HTTP " + e.statusCode() + ": " + e.getMessage();
        }
        return String.valueOf(t.getMessage());
    }
}
