package io.chunkstore.grpc;

import io.chunkstore.spi.support.RequestDurations;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Request metrics of the grpc_store service, per RPC, in Micrometer (Prometheus names shown for
 * namespace {@code ns}):
 *
 * <ul>
 *   <li>{@code ns_grpc_store_request_duration_seconds{method,status_code}}: a histogram of call
 *       durations with Cortex's buckets (1 ms × 4^n, 9 buckets, like {@code
 *       cortex_cassandra_request_duration_seconds}); {@code method} is the RPC name ({@code
 *       QueryIndex}), {@code status_code} the gRPC code name ({@code OK}, {@code NOT_FOUND}, {@code
 *       CANCELLED} when the client went away, ...);
 *   <li>{@code ns_grpc_store_stream_message_size_bytes{method}}: a summary of the size of every
 *       streamed response message (QueryIndex, GetChunks): its count is the number of messages, its
 *       max shows how close they come to the 4 MiB limit.
 * </ul>
 */
final class RequestMetrics implements ServerInterceptor {
    static final String DURATION = "grpc_store_request_duration";
    static final String MESSAGE_SIZE = "grpc_store_stream_message_size";

    private final MeterRegistry registry;
    private final String durationName;
    private final String messageSizeName;
    private static final int CODES = Status.Code.values().length;
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> durations =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> messageSizes =
            new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry, String namespace) {
        this.registry = registry;
        String prefix = namespace == null || namespace.isEmpty() ? "" : namespace + "_";
        this.durationName = prefix + DURATION;
        this.messageSizeName = prefix + MESSAGE_SIZE;
    }

    /**
     * Records one call. The meters are looked up once per method and code, not per call: building
     * and registering a meter costs about as much as a small QueryIndex call's own work.
     */
    void record(String method, Status.Code code, long nanos) {
        AtomicReferenceArray<Timer> byCode =
                durations.computeIfAbsent(method, m -> new AtomicReferenceArray<>(CODES));
        Timer timer = byCode.get(code.ordinal());
        if (timer == null) {
            // a race registers the same meter twice, which Micrometer answers with the one meter
            timer =
                    Timer.builder(durationName)
                            .description(
                                    "Time spent serving grpc_store requests, by RPC and gRPC status code.")
                            .tags("method", method, "status_code", code.name())
                            .serviceLevelObjectives(RequestDurations.cortexBuckets())
                            .register(registry);
            byCode.set(code.ordinal(), timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void message(String method, int bytes) {
        messageSizes
                .computeIfAbsent(
                        method,
                        m ->
                                DistributionSummary.builder(messageSizeName)
                                        .description(
                                                "Size of each streamed grpc_store response message.")
                                        .baseUnit("bytes")
                                        .tags("method", m)
                                        .register(registry))
                .record(bytes);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicBoolean recorded = new AtomicBoolean();
        ServerCall<Q, R> timed =
                new SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        if (recorded.compareAndSet(false, true)) {
                            record(method, status.getCode(), System.nanoTime() - start);
                        }
                        super.close(status, trailers);
                    }
                };
        return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                if (recorded.compareAndSet(false, true)) {
                    record(method, Status.Code.CANCELLED, System.nanoTime() - start);
                }
                super.onCancel();
            }
        };
    }
}
