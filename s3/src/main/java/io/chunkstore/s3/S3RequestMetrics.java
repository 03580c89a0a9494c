package io.chunkstore.s3;

import io.chunkstore.spi.support.RequestDurations;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * {@code <namespace>_s3_request_duration_seconds{operation,status_code}}, Cortex's and Loki's S3
 * request histogram, with the buckets 0.001·4ⁿ seconds (n = 0..8) that Cortex uses for its other
 * stores. An SDK interceptor, so every HTTP attempt is one observation, retries included: from the
 * moment the signed request is sent to the moment the response headers arrive. {@code operation} is
 * Cortex's name ({@code S3.PutObject}, {@code S3.GetObject}, {@code S3.List} per page, {@code
 * S3.DeleteObject}, and Loki's {@code S3.ObjectExists} for a HEAD), {@code status_code} the HTTP
 * status ({@code 200}, {@code 404}, {@code 503}, ...) or {@code error} when an attempt got no
 * response (connection failure, timeout). Register it first among the client's interceptors: the
 * SDK calls response hooks in reverse order, so it then sees the status that the SDK acts on.
 */
public final class S3RequestMetrics implements ExecutionInterceptor {
    /** The metric name without the namespace. */
    public static final String NAME = "s3_request_duration_seconds";

    private static final ExecutionAttribute<AtomicLong> ATTEMPT_START =
            new ExecutionAttribute<>("chunkstore.s3.attemptStartNanos");
    private static final long NONE = Long.MIN_VALUE;

    private final RequestDurations durations;

    /**
     * @param registry where the histogram goes
     * @param metricName the full name, {@code <namespace>_s3_request_duration_seconds}
     */
    public S3RequestMetrics(MeterRegistry registry, String metricName) {
        this.durations =
                new RequestDurations(registry, metricName, "Time spent doing S3 requests.");
    }

    /** Cortex's and Loki's operation name for an SDK operation. */
    static String operation(String sdkOperation) {
        if (sdkOperation == null) {
            return "S3.Unknown";
        }
        return switch (sdkOperation) {
            case "ListObjectsV2" -> "S3.List";
            case "HeadObject" -> "S3.ObjectExists";
            default -> "S3." + sdkOperation;
        };
    }

    @Override
    public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
        AtomicLong start = attributes.getAttribute(ATTEMPT_START);
        if (start == null) {
            attributes.putAttribute(ATTEMPT_START, new AtomicLong(System.nanoTime()));
        } else {
            start.set(System.nanoTime());
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(
            Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        record(attributes, Integer.toString(context.httpResponse().statusCode()));
        return context.httpResponse();
    }

    @Override
    public void onExecutionFailure(
            Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes, "error"); // only when the last attempt got no response at all
    }

    private void record(ExecutionAttributes attributes, String status) {
        AtomicLong start = attributes.getAttribute(ATTEMPT_START);
        if (start == null) {
            return;
        }
        long began = start.getAndSet(NONE);
        if (began == NONE) {
            return;
        }
        String op = operation(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        durations.recordSince(op, status, began);
    }
}
