package io.chunkstore.s3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns the next N real S3Mock responses into S3 error responses (status and XML error body), so the SDK's retry
 * logic and our error mapping see exactly what S3 sends when it throttles or fails. The requests still reach S3Mock;
 * the original body is drained and replaced.
 */
final class FaultInjector implements ExecutionInterceptor {
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    private volatile int status = 503;
    private volatile String code = "SlowDown";

    /** The next {@code n} responses become {@code status} with S3 error code {@code code}. */
    void failNext(int n, int status, String code) {
        this.status = status;
        this.code = code;
        remaining.set(n);
    }

    void failNothing() {
        remaining.set(0);
    }

    /** Responses turned into errors so far. */
    int injected() {
        return injected.get();
    }

    /** Responses seen so far (real and faked). */
    int responses() {
        return responses.get();
    }

    /** Whether the current attempt is faked, between the header hook and the body hook. */
    private static final ExecutionAttribute<AtomicInteger> FAKED = new ExecutionAttribute<>("chunkstore.test.faked");

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        responses.incrementAndGet();
        AtomicInteger faked = attributes.getAttribute(FAKED);
        if (faked == null) {
            faked = new AtomicInteger();
            attributes.putAttribute(FAKED, faked);
        }
        if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
            faked.set(0);
            return context.httpResponse();
        }
        faked.set(1);
        injected.incrementAndGet();
        return context.httpResponse().toBuilder()
                .statusCode(status)
                .statusText(code)
                .removeHeader("Content-Length")
                .removeHeader("ETag")
                .putHeader("Content-Type", "application/xml")
                .build();
    }

    @Override
    public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes attributes) {
        AtomicInteger faked = attributes.getAttribute(FAKED);
        if (faked == null || faked.get() == 0) {
            return context.responsePublisher();
        }
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected"
                + " by the test</Message><RequestId>test</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        Publisher<ByteBuffer> original = context.responsePublisher().orElse(null);
        if (original == null) {
            return Optional.of(AsyncRequestBody.fromBytes(xml));
        }
        // Drain what S3Mock sent (so the connection is reusable), then answer with the error document.
        return Optional.of(SdkPublisher.adapt(original).filter(b -> false)
                .addTrailingData(() -> List.of(ByteBuffer.wrap(xml))));
    }
}
