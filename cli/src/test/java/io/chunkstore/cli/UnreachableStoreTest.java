package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.grpc.ChunkTableResolver;
import io.chunkstore.grpc.GrpcStoreServer;
import io.chunkstore.spi.memory.InMemoryBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that does not answer fails at once, naming where it was looked for: DynamoDB on a closed
 * port of this machine (127.0.0.1:1; before, {@code tables plan} printed nothing for 5 minutes of
 * back-off and serve reported ready), and serve's {@code /ready} reports a store that stops
 * answering while it runs.
 */
class UnreachableStoreTest {
    static final String CLOSED = "127.0.0.1:1";

    @TempDir Path tmp;

    Path dynamoConfig() {
        return CliRun.write(
                tmp,
                "dynamo.yaml",
                """
                schema:
                  configs:
                    - from: 2020-01-01
                      store: aws-dynamo
                      object_store: aws-dynamo
                      schema: v11
                      index: {prefix: index_, period: 168h}
                      chunks: {prefix: chunks_, period: 168h}
                storage:
                  aws:
                    dynamodb:
                      dynamodb_url: http://key:secret@%s
                """
                        .formatted(CLOSED));
    }

    @Test
    void dataCommandsAndServeFailAtOnceWithExit3NamingTheAddress() {
        Path config = dynamoConfig();
        String[][] commands = {
            {"tables", "plan", "--config", config.toString()},
            {
                "labels",
                "--config",
                config.toString(),
                "--user",
                "u",
                "--metric",
                "up",
                "--from",
                "now-1h"
            },
            {
                "query",
                "--config",
                config.toString(),
                "--user",
                "u",
                "{__name__=\"up\"}",
                "--from",
                "now-1h"
            },
            {"logs", "query", "--config", config.toString(), "--user", "u", "{job=\"x\"}"},
            {
                "serve",
                "--config",
                config.toString(),
                "--listen",
                "127.0.0.1:0",
                "--http-listen",
                "127.0.0.1:0"
            },
        };
        for (String[] args : commands) {
            long start = System.nanoTime();
            CliRun r = CliRun.run(args);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r).isEqualTo(3);
            assertThat(r.err()).as(args[0]).contains(CLOSED).contains("aws-dynamo");
            assertThat(took).as(args[0] + " took").isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void readyReportsAStoreThatStopsAnswering() throws Exception {
        GrpcStoreServer store =
                GrpcStoreServer.builder()
                        .listen("127.0.0.1", 0)
                        .backend(new InMemoryBackend())
                        .chunkTableResolver(ChunkTableResolver.NO_TABLES)
                        .build();
        store.start();
        boolean stopped = false;
        Path config =
                CliRun.write(
                        tmp,
                        "grpc.yaml",
                        """
                        schema:
                          configs:
                            - from: 2020-01-01
                              store: grpc-store
                              object_store: grpc-store
                              schema: v11
                              index: {prefix: index_, period: 168h}
                              chunks: {prefix: chunks_, period: 168h}
                        storage:
                          grpc_store: {server_address: "127.0.0.1:%d"}
                        """
                                .formatted(store.port()));
        HttpClient http = HttpClient.newHttpClient();
        try (ServeCommandTest.Running serve =
                new ServeCommandTest.Running(
                        "serve",
                        "--config",
                        config.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0")) {
            URI ready = URI.create("http://127.0.0.1:" + serve.httpPort() + "/ready");
            HttpResponse<String> up =
                    http.send(
                            HttpRequest.newBuilder(ready).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

            store.shutdown(Duration.ZERO);
            stopped = true;
            HttpResponse<String> down = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                down =
                        http.send(
                                HttpRequest.newBuilder(ready).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (down.statusCode() != 200) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(down.body()).startsWith("not ready: store 'grpc-store' does not answer");
        } finally {
            if (!stopped) {
                store.shutdown(Duration.ZERO);
            }
        }
    }
}
