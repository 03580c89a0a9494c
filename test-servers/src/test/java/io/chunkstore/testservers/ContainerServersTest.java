package io.chunkstore.testservers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The Testcontainers mode can only be checked this far without Docker: it loads, and without Docker
 * it fails with a message that says what to do. Starting real containers is untested here.
 */
class ContainerServersTest {

    @Test
    void withoutDockerTheModeFailsWithAnActionableMessage() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "Docker is available here");
        assertThatThrownBy(() -> ContainerServers.start(ServerKind.DYNAMODB))
                .isInstanceOf(TestServerException.class)
                .hasMessageContaining("Docker is not available")
                .hasMessageContaining("DYNAMODB_TEST_ENDPOINT");
    }
}
