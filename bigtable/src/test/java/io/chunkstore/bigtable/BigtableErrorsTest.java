package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.grpc.GrpcStatusCode;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ApiExceptionFactory;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import io.grpc.Status;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BigtableErrorsTest {
    private static ApiException api(Status.Code code, String msg) {
        return ApiExceptionFactory.createException(
                new RuntimeException(msg), GrpcStatusCode.of(code), false);
    }

    @Test
    void notFoundIsAMissingTable() {
        StorageException e =
                BigtableErrors.map(api(Status.Code.NOT_FOUND, "table not found"), "reading", "t1");
        assertThat(e)
                .isInstanceOfSatisfying(
                        TableNotFoundException.class,
                        t -> assertThat(t.tableName()).isEqualTo("t1"));
        assertThat(
                        BigtableErrors.isNotFound(
                                new ExecutionException(api(Status.Code.NOT_FOUND, "x"))))
                .isTrue();
        assertThat(BigtableErrors.isAlreadyExists(api(Status.Code.ALREADY_EXISTS, "x"))).isTrue();
    }

    @Test
    void transientAndCapacityErrorsAreRetryable() {
        assertThat(BigtableErrors.map(api(Status.Code.UNAVAILABLE, "x"), "reading", "t"))
                .isInstanceOf(UnavailableException.class)
                .matches(StorageException::isRetryable);
        assertThat(BigtableErrors.map(api(Status.Code.DEADLINE_EXCEEDED, "x"), "reading", "t"))
                .isInstanceOf(UnavailableException.class);
        assertThat(BigtableErrors.map(api(Status.Code.RESOURCE_EXHAUSTED, "x"), "writing", "t"))
                .isInstanceOf(ThrottledException.class)
                .matches(StorageException::isRetryable);
    }

    @Test
    void badRequestsAndPermissionsAreNotRetryableAndSayWhatToDo() {
        StorageException bad =
                BigtableErrors.map(
                        api(Status.Code.INVALID_ARGUMENT, "Qualifier too long"),
                        "writing index entries",
                        "t");
        assertThat(bad)
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("writing index entries")
                .hasMessageContaining("table t")
                .hasMessageContaining("Qualifier too long");
        assertThat(bad.isRetryable()).isFalse();
        StorageException denied =
                BigtableErrors.map(api(Status.Code.PERMISSION_DENIED, "no"), "reading", "t");
        assertThat(denied.getMessage()).contains("credentials_file");
        assertThat(denied.isRetryable()).isFalse();
        StorageException family =
                BigtableErrors.map(
                        api(Status.Code.INTERNAL, "unknown family \"f\""), "writing", "t");
        assertThat(family.getMessage()).contains("needs column family 'f'");
    }

    @Test
    void typedErrorsPassThroughAndOthersAreWrapped() {
        TableNotFoundException own = new TableNotFoundException("x");
        assertThat(BigtableErrors.map(new ExecutionException(own), "reading", "t")).isSameAs(own);
        assertThat(BigtableErrors.map(new IllegalStateException("boom"), "reading", "t"))
                .hasMessageContaining("boom")
                .hasCauseInstanceOf(IllegalStateException.class);
    }
}
