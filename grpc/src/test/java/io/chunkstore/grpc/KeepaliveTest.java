package io.chunkstore.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.memory.InMemoryBackend;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Go client dials with keepalive {@code Time=20s, Timeout=10s, PermitWithoutStream=true}: it
 * pings every 20 s even with no call in flight. grpc-java servers refuse that by default and answer
 * GOAWAY {@code too_many_pings} after a few pings. This test idles such a client against our server
 * for over a minute (about 65 s of wall time) and checks the connection never leaves READY. As a
 * control it runs the same kind of client against a default grpc-java server, which must drop it,
 * so the test can see a GOAWAY when there is one.
 */
@Tag("slow")
class KeepaliveTest {
    private static final Duration IDLE = Duration.ofSeconds(65);

    private static ManagedChannel goLikeChannel(int port, Duration pingEvery) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .keepAliveTime(pingEvery.toSeconds(), TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    /** Records every connectivity state the channel passes through from now on. */
    private static void watch(ManagedChannel channel, List<ConnectivityState> states) {
        ConnectivityState now = channel.getState(false);
        states.add(now);
        channel.notifyWhenStateChanged(now, () -> watch(channel, states));
    }

    private static void check(ManagedChannel channel) {
        assertThat(
                        HealthGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .check(HealthCheckRequest.getDefaultInstance())
                                .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void aClientThatOnlyPingsEvery20SecondsIsNeverDisconnected() throws Exception {
        HealthStatusManager plainHealth = new HealthStatusManager();
        Server plain =
                NettyServerBuilder.forAddress(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .addService(plainHealth.getHealthService())
                        .build()
                        .start();
        ManagedChannel toOurs = null;
        ManagedChannel toPlain = null;
        try (GrpcStoreServer ours =
                GrpcStoreServer.builder()
                        .backend(new InMemoryBackend())
                        .chunkTableResolver(TestHarness.BY_USER)
                        .build()
                        .start()) {
            toOurs = goLikeChannel(ours.port(), Duration.ofSeconds(20));
            // The control pings at grpc-java's floor of 10 s, so its GOAWAY (third strike) comes
            // within the window.
            toPlain = goLikeChannel(plain.getPort(), Duration.ofSeconds(10));
            check(toOurs);
            check(toPlain);
            assertThat(toOurs.getState(false)).isEqualTo(ConnectivityState.READY);
            assertThat(toPlain.getState(false)).isEqualTo(ConnectivityState.READY);

            List<ConnectivityState> ourStates = new CopyOnWriteArrayList<>();
            List<ConnectivityState> plainStates = new CopyOnWriteArrayList<>();
            watch(toOurs, ourStates);
            watch(toPlain, plainStates);

            long end = System.nanoTime() + IDLE.toNanos();
            while (System.nanoTime() < end) {
                assertThat(toOurs.getState(false))
                        .as("our connection while idle")
                        .isEqualTo(ConnectivityState.READY);
                Thread.sleep(500);
            }
            assertThat(ourStates)
                    .as("our connection's states over %s without calls", IDLE)
                    .containsOnly(ConnectivityState.READY);
            assertThat(plainStates)
                    .as("the control must have been sent away")
                    .contains(ConnectivityState.READY, ConnectivityState.IDLE);
            check(toOurs);
        } finally {
            if (toOurs != null) {
                toOurs.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (toPlain != null) {
                toPlain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
