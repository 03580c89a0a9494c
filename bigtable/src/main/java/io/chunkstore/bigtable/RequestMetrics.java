package io.chunkstore.bigtable;

import io.chunkstore.spi.support.RequestDurations;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Cortex's {@code bigtable_request_duration_seconds{operation,status_code}}, measured by a gRPC
 * client interceptor on every call (each attempt of a retried call counts once): a histogram with
 * buckets 0.001·4ⁿ seconds (n = 0..8), {@code operation} the full gRPC method ({@code
 * /google.bigtable.v2.Bigtable/ReadRows}, {@code
 * /google.bigtable.admin.v2.BigtableTableAdmin/CreateTable}, ...), {@code status_code} as Cortex's
 * gRPC instrumentation sets it: {@code 2xx} for OK, {@code cancel} for CANCELLED, {@code error} for
 * any other code ({@code 4xx} / {@code 5xx} appear in Cortex only for HTTP-over-gRPC errors, which
 * Bigtable never returns).
 *
 * <p>It also applies the per-call options of {@code grpc_client_config}: maximum message sizes and
 * compression.
 */
final class RequestMetrics implements ClientInterceptor {
    static final String NAME = "bigtable_request_duration_seconds";
    private final RequestDurations durations;
    private final BigtableConfig.GrpcOptions grpc;

    RequestMetrics(MeterRegistry registry, String metricName, BigtableConfig.GrpcOptions grpc) {
        this.durations =
                new RequestDurations(registry, metricName, "Time spent doing Bigtable requests.");
        this.grpc = grpc;
    }

    /** Cortex's {@code status_code} label of a finished call. */
    static String statusCode(Status status) {
        return switch (status.getCode()) {
            case OK -> "2xx";
            case CANCELLED -> "cancel";
            default -> "error";
        };
    }

    /** The {@code operation} label: the method with a leading slash, as grpc-go names it. */
    static String operation(MethodDescriptor<?, ?> method) {
        return "/" + method.getFullMethodName();
    }

    void record(String operation, String statusCode, long nanos) {
        durations.record(operation, statusCode, nanos);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
            MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        CallOptions o = options;
        if (grpc.maxRecvMsgSize() > 0) {
            o = o.withMaxInboundMessageSize(grpc.maxRecvMsgSize());
        }
        if (grpc.maxSendMsgSize() > 0) {
            o = o.withMaxOutboundMessageSize(grpc.maxSendMsgSize());
        }
        if (!grpc.compression().isEmpty()) {
            o = o.withCompression(grpc.compression());
        }
        String operation = operation(method);
        return new SimpleForwardingClientCall<>(next.newCall(method, o)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                long started = System.nanoTime();
                super.start(
                        new SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onClose(Status status, Metadata trailers) {
                                record(operation, statusCode(status), System.nanoTime() - started);
                                super.onClose(status, trailers);
                            }
                        },
                        headers);
            }
        };
    }
}
