package io.chunkstore.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.servererrors.DefaultWriteType;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import io.chunkstore.spi.InvalidRequestException;
import io.chunkstore.spi.StorageException;
import io.chunkstore.spi.TableNotFoundException;
import io.chunkstore.spi.ThrottledException;
import io.chunkstore.spi.UnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CassandraErrorsTest {

    @Test
    void missingTableInEveryCassandraVersionsWords() {
        StorageException e =
                CassandraErrors.map(
                        new InvalidQueryException(null, "unconfigured table index_1"),
                        "index query",
                        "Index_1");
        assertThat(e).isInstanceOf(TableNotFoundException.class);
        assertThat(((TableNotFoundException) e).tableName()).isEqualTo("Index_1");
        StorageException e5 =
                CassandraErrors.map(
                        new InvalidQueryException(null, "table chunks_9 does not exist"),
                        "x",
                        null);
        assertThat(e5).isInstanceOf(TableNotFoundException.class);
        assertThat(((TableNotFoundException) e5).tableName()).isEqualTo("chunks_9");
        assertThat(e5.isRetryable()).isFalse();
    }

    @Test
    void transientErrorsAreRetryable() {
        for (Throwable t :
                new Throwable[] {
                    new DriverTimeoutException("Query timed out after PT2S"),
                    new ReadTimeoutException(null, DefaultConsistencyLevel.QUORUM, 1, 2, false),
                    new WriteTimeoutException(
                            null, DefaultConsistencyLevel.QUORUM, 1, 2, DefaultWriteType.SIMPLE),
                    new com.datastax.oss.driver.api.core.servererrors.UnavailableException(
                            null, DefaultConsistencyLevel.QUORUM, 2, 1),
                    new NoNodeAvailableException(),
                    new ClosedConnectionException("lost")
                }) {
            StorageException e = CassandraErrors.map(t, "index write", "t");
            assertThat(e).as(t.getClass().getSimpleName()).isInstanceOf(UnavailableException.class);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.getMessage()).startsWith("index write failed: ");
            assertThat(e.getCause()).isSameAs(t);
        }
        assertThat(CassandraErrors.map(new OverloadedException(null), "w", null))
                .isInstanceOf(ThrottledException.class);
    }

    @Test
    void rejectedStatementsAreInvalidRequests() {
        assertThat(
                        CassandraErrors.map(
                                new SyntaxError(null, "line 1:0 no viable alternative"), "x", null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no viable alternative");
        assertThat(
                        CassandraErrors.map(
                                new InvalidQueryException(null, "Key may not be empty"), "x", null))
                .isInstanceOf(InvalidRequestException.class);
        StorageException denied =
                CassandraErrors.map(
                        new UnauthorizedException(null, "no CREATE permission"), "x", null);
        assertThat(denied)
                .isNotInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("permission");
        assertThat(denied.isRetryable()).isFalse();
        StorageException auth =
                CassandraErrors.map(
                        new AuthenticationException(null, "bad credentials"), "x", null);
        assertThat(auth.isRetryable()).isFalse();
        assertThat(auth).hasMessageContaining("password");
    }

    @Test
    void unwrapsFutureWrappersAndKeepsOurErrors() {
        Throwable t =
                new CompletionException(new ExecutionException(new DriverTimeoutException("t")));
        assertThat(CassandraErrors.map(t, "x", null)).isInstanceOf(UnavailableException.class);
        TableNotFoundException ours = new TableNotFoundException("t");
        assertThat(CassandraErrors.map(new CompletionException(ours), "x", null)).isSameAs(ours);
    }
}
