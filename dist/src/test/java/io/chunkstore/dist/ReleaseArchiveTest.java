package io.chunkstore.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The release archive as a user gets it: unpacked into an empty folder, run with a PATH that has a
 * Java runtime and a few shell tools but no Maven, from outside any source tree. One command per
 * family, then serve on the embedded default: /ready, traffic through the grpc_store port, and
 * every metric the dashboard and the alert rules of deploy/ use is in its /metrics. The rules pass
 * {@code promtool check rules}. Runs in failsafe (mvn verify): it needs the package phase.
 */
@Tag("dist")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseArchiveTest {
    static final String VERSION = System.getProperty("chunkstore.version", "");
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

    Path root;
    Path home;
    Path tools;
    Process serve;
    String httpAddress;
    String grpcAddress;

    @BeforeAll
    void unpack() throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("chunkstore.dist.archive"));
        assertThat(archive).exists();
        root = Files.createTempDirectory("chunkstore-dist-");
        // Only what the launcher and these tests call, and a Java runtime: no Maven, no JAVA_HOME.
        tools = Files.createDirectories(root.resolve("tools"));
        for (String tool :
                List.of("sh", "bash", "sed", "ls", "dirname", "head", "tar", "gzip", "grep")) {
            Path found = which(tool);
            Files.createSymbolicLink(tools.resolve(tool), found);
        }
        Path user = Files.createDirectories(root.resolve("user"));
        Result untar =
                run(
                        user,
                        List.of("tar", "-xzf", archive.toString()),
                        Map.of(),
                        Duration.ofMinutes(2));
        assertThat(untar.exit).as(untar.toString()).isZero();
        home = user.resolve(System.getProperty("chunkstore.dist.name"));
        assertThat(home.resolve("bin/chunkstore")).isExecutable();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (serve != null && serve.isAlive()) {
            serve.destroy();
            if (!serve.waitFor(60, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    private static Path which(String tool) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + tool + " on this machine");
    }

    private String path() {
        return tools + ":" + Path.of(System.getProperty("java.home"), "bin");
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private ProcessBuilder builder(Path dir, List<String> command, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", path());
        e.put("HOME", root.toString());
        e.put("LANG", "C.UTF-8");
        e.putAll(env);
        return pb;
    }

    private Result run(Path dir, List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        Process p =
                builder(dir, command, env)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeout);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Result chunkstore(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/chunkstore").toString());
        cmd.addAll(List.of(args));
        return run(root.resolve("user"), cmd, Map.of(), COMMAND_TIMEOUT);
    }

    @Test
    @Order(1)
    void theArchiveHoldsWhatTheReadmePromises() throws IOException {
        for (String f :
                List.of(
                        "LICENSE",
                        "bin/chunkstore",
                        "conf/embedded.yaml",
                        "conf/loki.yaml",
                        "conf/cortex.yaml",
                        "completion/chunkstore.bash",
                        "completion/chunkstore.zsh",
                        "docs/commands.md",
                        "docs/README.md",
                        "deploy/prometheus/chunkstore-alerts.yaml",
                        "deploy/grafana/chunkstore-dashboard.json")) {
            assertThat(home.resolve(f)).as(f).exists();
        }
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("chunkstore-cli-"))
                    .noneMatch(n -> n.startsWith("chunkstore-dist"));
        }
        // The zip holds the same files as the tarball.
        Set<String> zipped = new TreeSet<>();
        try (ZipFile zip = new ZipFile(System.getProperty("chunkstore.dist.zip"))) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> zipped.add(e.getName()));
        }
        Set<String> unpacked = new TreeSet<>();
        Path top = home.getParent();
        try (Stream<Path> all = Files.walk(home)) {
            all.filter(Files::isRegularFile)
                    .forEach(p -> unpacked.add(top.relativize(p).toString()));
        }
        assertThat(zipped).isEqualTo(unpacked);
    }

    @Test
    @Order(2)
    void versionAndHelpRunWithoutMaven() throws IOException, InterruptedException {
        assertThat(
                        run(
                                        root,
                                        List.of("sh", "-c", "command -v mvn || echo none"),
                                        Map.of(),
                                        COMMAND_TIMEOUT)
                                .out
                                .trim())
                .isEqualTo("none");
        Result version = chunkstore("--version");
        assertThat(version.exit).as(version.toString()).isZero();
        assertThat(version.out)
                .matches(
                        "chunkstore "
                                + Pattern.quote(VERSION)
                                + " \\(commit ([0-9a-f]{12}|unknown)(, with uncommitted changes)?\\)\\s*");
        Result help = chunkstore("--help");
        assertThat(help.exit).as(help.toString()).isZero();
        assertThat(help.out).contains("serve", "tables", "migrate", "schema", "chunk");
        Result noJava =
                run(
                        root.resolve("user"),
                        List.of(home.resolve("bin/chunkstore").toString(), "--version"),
                        Map.of("PATH", tools.toString()),
                        COMMAND_TIMEOUT);
        assertThat(noJava.exit).isEqualTo(2);
        assertThat(noJava.err).contains("no Java runtime found");
    }

    /** schema entries: the README's worked example, on the archive's embedded example config. */
    @Test
    @Order(3)
    void schemaEntries() throws IOException, InterruptedException {
        Result r =
                chunkstore(
                        "schema",
                        "entries",
                        "--config",
                        home.resolve("conf/embedded.yaml").toString(),
                        "--user",
                        "userID",
                        "--labels",
                        "{__name__=\"foo\",bar=\"baz\",toms=\"code\"}",
                        "--from",
                        "1557650721000",
                        "--through",
                        "1557654321000",
                        "--chunk-id",
                        "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c");
        assertThat(r.exit).as(r.toString()).isZero();
        // Weekly tables: the week of 1557650721000 ms is 1557650721000 / 604800000 = 2575.
        assertThat(r.out).contains("index_2575");
    }

    /**
     * chunk inspect: the golden Cortex chunk (testdata/golden/README.md), copied next to the user.
     */
    @Test
    @Order(4)
    void chunkInspect() throws IOException, InterruptedException {
        Path chunk = root.resolve("user/chunk.bin");
        Files.copy(Repo.path("testdata/golden/chunk-38eb373c.bin"), chunk);
        Result r =
                chunkstore(
                        "chunk",
                        "inspect",
                        "--key",
                        "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:38eb373c",
                        chunk.toString());
        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("38eb373c").contains("toms");
    }

    @Test
    @Order(5)
    void tablesPlan() throws IOException, InterruptedException {
        Result r =
                chunkstore(
                        "tables",
                        "plan",
                        "--config",
                        home.resolve("conf/embedded.yaml").toString());
        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out).contains("index_");
    }

    @Test
    @Order(6)
    void bashCompletionCompletesCommands() throws IOException, InterruptedException {
        Result r =
                run(
                        root,
                        List.of(
                                "bash",
                                "-c",
                                "source '"
                                        + home.resolve("completion/chunkstore.bash")
                                        + "' && COMP_WORDS=(chunkstore ser) && COMP_CWORD=1 &&"
                                        + " COMP_LINE='chunkstore ser' && COMP_POINT=14 &&"
                                        + " _complete_chunkstore && echo \"${COMPREPLY[@]}\""),
                        Map.of(),
                        COMMAND_TIMEOUT);
        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(r.out.trim()).isEqualTo("serve");
    }

    /**
     * The script of deploy/kubernetes/migrate-job.yaml, as pod 1 of the Indexed Job runs it (its
     * paths moved into the temp folder): between two embedded stores, the second range of RANGES.
     */
    @Test
    @Order(7)
    void theMigrateJobsScriptRunsFromTheArchive() throws IOException, InterruptedException {
        JsonNode job =
                KubernetesManifestsTest.documents(Repo.path("deploy/kubernetes/migrate-job.yaml"))
                        .get(0);
        JsonNode container = job.at("/spec/template/spec/containers/0");
        Path etc = Files.createDirectories(root.resolve("job/etc"));
        Path state = Files.createDirectories(root.resolve("job/state"));
        for (String side : List.of("source", "dest")) {
            Files.writeString(
                    etc.resolve(side + ".yaml"),
                    "schema_config:\n  configs:\n    - from: 2019-01-01\n      store: local\n"
                            + "      object_store: local\n      schema: v11\n"
                            + "      index: {prefix: index_, period: 168h}\n"
                            + "      chunks: {prefix: chunks_, period: 168h}\n      row_shards: 16\n"
                            + "storage_config:\n  local:\n    directory: "
                            + root.resolve("job/" + side + "-data")
                            + "\n");
        }
        // The source's tables, as a real source has them (an absent table fails its shards).
        Result tables =
                chunkstore("tables", "sync", "--config", etc.resolve("source.yaml").toString());
        assertThat(tables.exit).as(tables.toString()).isZero();
        String script =
                container
                        .at("/args/0")
                        .asText()
                        .replace("/opt/chunkstore", home.toString())
                        .replace("/etc/chunkstore", etc.toString())
                        .replace("/var/lib/chunkstore", state.toString());
        Map<String, String> env = new java.util.HashMap<>();
        container.get("env").forEach(e -> env.put(e.get("name").asText(), e.get("value").asText()));
        env.put("JOB_COMPLETION_INDEX", "1");
        List<String> command = new ArrayList<>();
        container.get("command").forEach(c -> command.add(c.asText()));
        assertThat(command).containsExactly("/bin/sh", "-c");
        command.set(0, "sh");
        command.add(script);
        Result r = run(root, command, env, COMMAND_TIMEOUT);
        assertThat(r.exit).as(r.toString()).isZero();
        assertThat(state.resolve("migrate-1.checkpoint")).exists();
    }

    @Test
    @Order(8)
    void serveOnTheEmbeddedDefaultIsReady() throws Exception {
        Path log = root.resolve("serve.out");
        serve =
                builder(
                                root.resolve("user"),
                                List.of(
                                        home.resolve("bin/chunkstore").toString(),
                                        "serve",
                                        "--listen",
                                        "127.0.0.1:0",
                                        "--http-listen",
                                        "127.0.0.1:0",
                                        // the conformance traffic below drops its run's tables
                                        "--allow-table-deletion"),
                                Map.of())
                        .redirectOutput(log.toFile())
                        .redirectError(root.resolve("serve.err").toFile())
                        .start();
        Pattern banner =
                Pattern.compile("grpc_store on (\\S+) \\(plaintext\\), HTTP on (\\S+) \\(");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (httpAddress == null) {
            assertThat(serve.isAlive())
                    .as("serve exited: " + Files.readString(root.resolve("serve.err")))
                    .isTrue();
            assertThat(System.nanoTime()).as("serve's banner within 90 s").isLessThan(deadline);
            Matcher m = banner.matcher(Files.readString(log));
            if (m.find()) {
                grpcAddress = m.group(1);
                httpAddress = m.group(2);
            } else {
                Thread.sleep(200);
            }
        }
        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        // The launcher bounds glibc's malloc arenas when the environment does not (the launcher
        // execs the JVM: the process started is serve's).
        Path environ = Path.of("/proc", Long.toString(serve.pid()), "environ");
        if (Files.isReadable(environ)) {
            assertThat(Files.readString(environ, StandardCharsets.ISO_8859_1).split("\0"))
                    .contains("MALLOC_ARENA_MAX=2");
        }
        // The image's HEALTHCHECK command, against this serve's port.
        String check = healthcheck().replace("127.0.0.1/9095", httpAddress.replace(':', '/'));
        Result hc = run(root, List.of("bash", "-c", check), Map.of(), Duration.ofSeconds(30));
        assertThat(hc.exit).as("the Dockerfile's HEALTHCHECK: " + hc).isZero();
    }

    /** The bash command of the Dockerfile's HEALTHCHECK (its exec form's third argument). */
    static String healthcheck() throws IOException {
        String dockerfile = Files.readString(Repo.path("Dockerfile"));
        Matcher m =
                Pattern.compile("CMD \\[\"bash\", \"-c\", \"(.*)\"\\]\\s*\\n")
                        .matcher(dockerfile.replace("\\\n", ""));
        assertThat(m.find())
                .as("HEALTHCHECK CMD [\"bash\", \"-c\", ...] in the Dockerfile")
                .isTrue();
        return m.group(1).replace("\\\\", "\\");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://" + httpAddress + path))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Traffic through the grpc_store port (the conformance suite's chunk, index and streaming
     * cases, through chunkstore's grpc-store client), then every metric name the dashboard and the
     * alert rules use must be in /metrics, but the remote backends' own (no Cassandra, Bigtable,
     * DynamoDB or S3 here: their names are checked against the backends' sources instead).
     */
    @Test
    @Order(9)
    void everyMetricOfTheDashboardAndTheRulesIsExported() throws Exception {
        assertThat(httpAddress).as("serve started").isNotNull();
        Path grpc = root.resolve("user/grpc.yaml");
        Files.writeString(
                grpc,
                "schema_config:\n  configs:\n    - from: 2020-01-01\n      store: grpc-store\n"
                        + "      object_store: grpc-store\n      schema: v11\n"
                        + "      index: {prefix: index_, period: 168h}\n"
                        + "      chunks: {prefix: chunks_, period: 168h}\n      row_shards: 16\n"
                        + "storage_config:\n  grpc_store:\n    server_address: "
                        + grpcAddress
                        + "\n");
        Result traffic =
                chunkstore(
                        "conformance",
                        "--config",
                        grpc.toString(),
                        "--cases",
                        "(ChunkContract|IndexStreamingContract|IndexContract)\\..*");
        assertThat(traffic.exit).as(traffic.toString()).isZero();
        assertThat(get("/no-such-page").statusCode()).isEqualTo(404);

        String metrics = get("/metrics").body();
        Set<String> exported =
                metrics.lines()
                        .filter(l -> !l.startsWith("#") && !l.isBlank())
                        .map(l -> l.split("[{ ]", 2)[0])
                        .collect(Collectors.toCollection(TreeSet::new));

        Set<String> used = new TreeSet<>();
        used.addAll(dashboardMetrics());
        used.addAll(ruleMetrics());
        assertThat(used).hasSizeGreaterThan(10);
        Set<String> missing = new TreeSet<>();
        for (String name : used) {
            if (!exported.contains(name) && !REMOTE_BACKEND.matcher(name).matches()) {
                missing.add(name);
            }
        }
        assertThat(missing).as("used by deploy/ but not exported; exported: " + exported).isEmpty();
        for (String name : used) {
            if (REMOTE_BACKEND.matcher(name).matches()) {
                assertThat(REMOTE_BACKEND_NAMES)
                        .as(name)
                        .contains(name.replaceAll("_(bucket|count|sum)$", ""));
            }
        }
    }

    /** Metrics only a store of that kind exports (not the embedded one this test serves). */
    static final Pattern REMOTE_BACKEND =
            Pattern.compile("chunkstore_(cassandra|bigtable|dynamo|s3)_.*");

    /**
     * Those names as the backends register them: cassandra RequestMetrics.NAME, bigtable
     * RequestMetrics.NAME, DynamoMetrics (dynamo_request_duration_seconds, dynamo_throttled_total)
     * and S3RequestMetrics.NAME, under the namespace; read from the sources so a rename is noticed.
     */
    static final Set<String> REMOTE_BACKEND_NAMES = remoteBackendNames();

    private static Set<String> remoteBackendNames() {
        Set<String> names = new TreeSet<>();
        Pattern quoted = Pattern.compile("\"((cassandra|bigtable|dynamo|s3)_[a-z_]+)\"");
        for (String src :
                List.of(
                        "cassandra/src/main/java/io/chunkstore/cassandra/RequestMetrics.java",
                        "bigtable/src/main/java/io/chunkstore/bigtable/RequestMetrics.java",
                        "dynamodb/src/main/java/io/chunkstore/dynamodb/DynamoMetrics.java",
                        "s3/src/main/java/io/chunkstore/s3/S3RequestMetrics.java")) {
            try {
                Matcher m = quoted.matcher(Files.readString(Repo.path(src)));
                while (m.find()) {
                    names.add("chunkstore_" + m.group(1));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    /** Every metric of the dashboard's queries, with its ${namespace} variable as chunkstore. */
    static Set<String> dashboardMetrics() throws IOException {
        JsonNode dash =
                new ObjectMapper()
                        .readTree(Repo.path("deploy/grafana/chunkstore-dashboard.json").toFile());
        Set<String> names = new TreeSet<>();
        Pattern p = Pattern.compile("\\$\\{namespace\\}_([a-z0-9_]+)");
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                String expr = t.get("expr").asText();
                Matcher m = p.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    names.add("chunkstore_" + m.group(1));
                    any = true;
                }
                assertThat(any).as("a namespaced metric in " + expr).isTrue();
            }
        }
        return names;
    }

    /** Every metric of the alert rules, whose selectors match the three namespaces. */
    static Set<String> ruleMetrics() throws IOException {
        String rules = Files.readString(Repo.path("deploy/prometheus/chunkstore-alerts.yaml"));
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\(chunkstore\\|cortex\\|loki\\)_([a-z0-9_]+)").matcher(rules);
        while (m.find()) {
            names.add("chunkstore_" + m.group(1));
        }
        return names;
    }

    @Test
    @Order(10)
    void promtoolAcceptsTheRules() throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool)
                .as("promtool (Debian's prometheus package; .ci/run installs it)")
                .isExecutable();
        ProcessBuilder pb =
                new ProcessBuilder(
                                promtool.toString(),
                                "check",
                                "rules",
                                Repo.path("deploy/prometheus/chunkstore-alerts.yaml").toString())
                        .redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: 6 rules found");
    }

    @Test
    @Order(11)
    void serveStopsOnSigterm() throws InterruptedException {
        assertThat(serve).isNotNull();
        serve.destroy();
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve exits on SIGTERM").isTrue();
    }
}
