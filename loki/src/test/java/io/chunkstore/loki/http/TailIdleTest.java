package io.chunkstore.loki.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chunkstore.core.config.SchemaVersion;
import io.chunkstore.core.model.Labels;
import io.chunkstore.loki.LogEntry;
import io.chunkstore.loki.LokiChunk;
import io.chunkstore.loki.chunkenc.ChunkFormat;
import io.chunkstore.loki.chunkenc.Codec;
import io.chunkstore.loki.query.LogQuerier;
import io.chunkstore.loki.query.LokiTimes;
import io.chunkstore.loki.query.QueryTestAccess;
import io.chunkstore.loki.query.TailOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A tail whose first chunk reaches the store a minute after the tail started (Loki flushes chunks
 * long after their lines) still delivers it: the server pings the client while it waits and keeps
 * the websocket past Jetty's 30 s idle time-out (before, it closed with "1001 Connection Idle
 * Timeout" and the client got nothing). Takes ~65 s.
 */
class TailIdleTest {
    @Test
    void aTailOutlivesTheIdleTimeoutAndGetsAChunkThatLandsAfterAMinute() throws Exception {
        Object store = QueryTestAccess.store(QueryTestAccess.single(SchemaVersion.V12));
        // A delay well above the time a put takes on a loaded machine: a chunk that lands later
        // than the delay after its
        // lines is missed, by design (LogTailer).
        TailOptions fast =
                TailOptions.DEFAULT
                        .withDelay(Duration.ofSeconds(5))
                        .withWindow(Duration.ofSeconds(1));
        long start = LokiTimes.now(Clock.systemUTC());
        try (LogQuerier q = new LogQuerier(QueryTestAccess.source(store));
                LokiHttpServer s =
                        LokiHttpServer.start(
                                "127.0.0.1",
                                0,
                                new LokiHttpApi(q, LokiApiConfig.DEFAULT.withTail(fast)),
                                Map.of())) {
            LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
            AtomicInteger pings = new AtomicInteger();
            AtomicInteger closes = new AtomicInteger();
            WebSocket.Listener listener =
                    new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(
                                WebSocket ws, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                messages.add(partial.toString());
                                partial.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
                            pings.incrementAndGet();
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(
                                WebSocket ws, int statusCode, String reason) {
                            closes.incrementAndGet();
                            return null;
                        }
                    };
            URI uri =
                    URI.create(
                            "ws://127.0.0.1:"
                                    + s.port()
                                    + "/loki/api/v1/tail?query="
                                    + URLEncoder.encode("{app=\"late\"}", StandardCharsets.UTF_8)
                                    + "&start="
                                    + start);
            WebSocket socket =
                    HttpClient.newHttpClient()
                            .newWebSocketBuilder()
                            .header("X-Scope-OrgID", "t")
                            .buildAsync(uri, listener)
                            .get(10, TimeUnit.SECONDS);

            // Nothing for a minute: past Jetty's 30 s idle time-out.
            assertThat(messages.poll(61, TimeUnit.SECONDS)).isNull();
            assertThat(closes.get()).as("closed by the server while idle").isZero();
            assertThat(pings.get()).as("pings while idle").isGreaterThanOrEqualTo(30);

            long late = LokiTimes.now(Clock.systemUTC());
            QueryTestAccess.put(
                    store,
                    LokiChunk.encode(
                            "t",
                            Labels.of("app", "late"),
                            ChunkFormat.V3,
                            Codec.NONE,
                            100,
                            List.of(LogEntry.of(late, "finally"))));
            String m = messages.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("the line that landed after a minute").isNotNull();
            JsonNode n = new ObjectMapper().readTree(m);
            assertThat(n.at("/streams/0/values/0/1").asText()).isEqualTo("finally");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }
}
