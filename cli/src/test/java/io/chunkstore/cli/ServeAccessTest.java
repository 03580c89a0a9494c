package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.cli.ServeCommandTest.Running;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * serve's access options from the command line: {@code --auth-file} (the banner names the file,
 * never a secret; the HTTP port then refuses a request without the token), and the combinations
 * that contradict themselves.
 */
class ServeAccessTest {
    private static final String TOKEN = "cli-test-token-0123456789abcdef";

    @TempDir Path tmp;

    @Test
    void authFileIsRequiredOnHttpAndNoSecretIsPrinted() throws Exception {
        Path auth = tmp.resolve("auth.yaml");
        Files.writeString(auth, "credentials:\n  - name: querier\n    token: " + TOKEN + "\n");
        try (Running serve =
                new Running(
                        "serve",
                        "--data",
                        tmp.resolve("data").toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--http-listen",
                        "127.0.0.1:0",
                        "--auth-file",
                        auth.toString(),
                        "--read-only")) {
            String banner = serve.banner();
            assertThat(banner)
                    .contains("access: 1 credential(s) from " + auth)
                    .contains("read-only");
            HttpClient http = HttpClient.newHttpClient();
            URI labels = URI.create("http://127.0.0.1:" + serve.httpPort() + "/loki/api/v1/labels");
            HttpResponse<String> none =
                    http.send(
                            HttpRequest.newBuilder(labels).header("X-Scope-OrgID", "fake").build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            HttpResponse<String> ok =
                    http.send(
                            HttpRequest.newBuilder(labels)
                                    .header("X-Scope-OrgID", "fake")
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            serve.stop();
            assertThat(serve.out.toString()).doesNotContain(TOKEN);
            assertThat(serve.err.toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void contradictionsAndBadFilesAreUsageErrors() {
        assertThat(
                        run("serve", "--read-only", "--allow-table-deletion")
                                .contains("drop --allow-table-deletion"))
                .isTrue();
        assertThat(
                        run("serve", "--read-only", "--table-manager")
                                .contains("cannot run with --read-only"))
                .isTrue();
        assertThat(run("serve", "--max-concurrent-queries", "0").contains("at least 1")).isTrue();
        assertThat(run("serve", "--grpc-max-request-size", "12").contains("between 1KiB and 2GiB"))
                .isTrue();
        String missing =
                run(
                        "serve",
                        "--data",
                        tmp.resolve("d").toString(),
                        "--auth-file",
                        tmp.resolve("none.yaml").toString());
        assertThat(missing).contains("credentials file").contains("does not exist");
    }

    /** Runs the command; returns its exit code and error output. */
    private static String run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return "exit " + code + ": " + err;
    }
}
