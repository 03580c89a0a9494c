package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.dynamodb.DynamoErrors.Kind;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoErrorsTest {

    private static DynamoDbException service(String code, int status) {
        return (DynamoDbException)
                DynamoDbException.builder()
                        .message(code + " happened")
                        .statusCode(status)
                        .awsErrorDetails(
                                AwsErrorDetails.builder()
                                        .errorCode(code)
                                        .errorMessage(code + " happened")
                                        .build())
                        .build();
    }

    private static <T extends DynamoDbException.Builder> DynamoDbException modeled(
            T builder, String code, int status) {
        return (DynamoDbException)
                builder.message(code)
                        .statusCode(status)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                        .build();
    }

    @Test
    void throttling() {
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        ProvisionedThroughputExceededException.builder(),
                                        "ProvisionedThroughputExceededException",
                                        400)))
                .isEqualTo(Kind.THROTTLED);
        assertThat(DynamoErrors.classify(service("ThrottlingException", 400)))
                .isEqualTo(Kind.THROTTLED);
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        RequestLimitExceededException.builder(),
                                        "RequestLimitExceeded",
                                        400)))
                .isEqualTo(Kind.THROTTLED);
        assertThat(DynamoErrors.classify(service("SlowDown", 429))).isEqualTo(Kind.THROTTLED);
    }

    @Test
    void transientFaults() {
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        InternalServerErrorException.builder(),
                                        "InternalServerError",
                                        500)))
                .isEqualTo(Kind.RETRYABLE);
        assertThat(DynamoErrors.classify(service("ServiceUnavailable", 503)))
                .isEqualTo(Kind.RETRYABLE);
        assertThat(
                        DynamoErrors.classify(
                                SdkClientException.create(
                                        "connection reset",
                                        new IOException("Connection reset by peer"))))
                .isEqualTo(Kind.RETRYABLE);
        assertThat(DynamoErrors.classify(ApiCallAttemptTimeoutException.create(1000)))
                .isEqualTo(Kind.RETRYABLE);
    }

    @Test
    void permanentErrors() {
        assertThat(DynamoErrors.classify(service("ValidationException", 400)))
                .isEqualTo(Kind.VALIDATION);
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        ResourceNotFoundException.builder(),
                                        "ResourceNotFoundException",
                                        400)))
                .isEqualTo(Kind.TABLE_NOT_FOUND);
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        LimitExceededException.builder(),
                                        "LimitExceededException",
                                        400)))
                .isEqualTo(Kind.LIMIT_EXCEEDED);
        assertThat(
                        DynamoErrors.classify(
                                modeled(
                                        ResourceInUseException.builder(),
                                        "ResourceInUseException",
                                        400)))
                .isEqualTo(Kind.RESOURCE_IN_USE);
        assertThat(DynamoErrors.classify(service("AccessDeniedException", 400)))
                .isEqualTo(Kind.OTHER);
        assertThat(DynamoErrors.classify(SdkClientException.create("Unable to load credentials")))
                .isEqualTo(Kind.OTHER);
        assertThat(DynamoErrors.classify(new IllegalStateException("bug"))).isEqualTo(Kind.OTHER);
    }

    @Test
    void wrappersAreLookedThrough() {
        Throwable wrapped = new CompletionException(service("ThrottlingException", 400));
        assertThat(DynamoErrors.classify(wrapped)).isEqualTo(Kind.THROTTLED);
        assertThat(DynamoErrors.errorCode(wrapped)).isEqualTo("ThrottlingException");
        assertThat(DynamoErrors.statusCode(wrapped)).isEqualTo("400");
        assertThat(DynamoErrors.statusCode(null)).isEqualTo("200");
        assertThat(DynamoErrors.statusCode(SdkClientException.create("x"))).isEqualTo("500");
        assertThat(DynamoErrors.errorCode(SdkClientException.create("x")))
                .isEqualTo("SdkClientException");
    }

    @Test
    void typedSpiErrors() {
        StorageException nf =
                DynamoErrors.toStorageException(
                        "DynamoDB.QueryPages",
                        "index_1",
                        modeled(
                                ResourceNotFoundException.builder(),
                                "ResourceNotFoundException",
                                400));
        assertThat(nf).isInstanceOf(TableNotFoundException.class);
        assertThat(((TableNotFoundException) nf).tableName()).isEqualTo("index_1");

        StorageException th =
                DynamoErrors.toStorageException(
                        "DynamoDB.QueryPages", "index_1", service("ThrottlingException", 400));
        assertThat(th).isInstanceOf(ThrottledException.class).hasMessageContaining("index_1");
        assertThat(th.isRetryable()).isTrue();

        assertThat(DynamoErrors.toStorageException("op", "t", service("InternalServerError", 500)))
                .isInstanceOf(UnavailableException.class);
        StorageException v =
                DynamoErrors.toStorageException("op", "t", service("ValidationException", 400));
        assertThat(v)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ValidationException happened");
        assertThat(v.isRetryable()).isFalse();
        StorageException same = new ThrottledException("x");
        assertThat(DynamoErrors.toStorageException("op", "t", new CompletionException(same)))
                .isSameAs(same);
    }
}
