package io.chunkstore.testservers;

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
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns the next N real responses of S3Mock or DynamoDB Local into AWS error responses (a status
 * and the service's error document: S3's XML, DynamoDB's JSON with the {@code __type} and {@code
 * x-amzn-ErrorType} it uses), so the SDK's error parsing, retries and our error mapping see exactly
 * what AWS sends when it throttles or fails. The requests still reach the server (and are applied
 * there); the original body is drained and replaced. Add it to an async client builder with {@code
 * overrideConfiguration(o -> o.addExecutionInterceptor(injector))}.
 */
public final class AwsFaultInjector implements ExecutionInterceptor {
    /** Whether the current attempt is faked, between the header hook and the body hook. */
    private static final ExecutionAttribute<AtomicInteger> FAKED =
            new ExecutionAttribute<>("chunkstore.test.faked");

    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger responses = new AtomicInteger();
    private volatile int status = 503;
    private volatile String code = "SlowDown";

    /**
     * The next {@code n} responses become {@code status} with the service's error code {@code code}
     * (S3 {@code SlowDown}, DynamoDB {@code ProvisionedThroughputExceededException}, ...).
     */
    public void failNext(int n, int status, String code) {
        this.status = status;
        this.code = code;
        remaining.set(n);
    }

    public void failNothing() {
        remaining.set(0);
    }

    /** Responses turned into errors so far. */
    public int injected() {
        return injected.get();
    }

    /** Responses seen so far (real and faked). */
    public int responses() {
        return responses.get();
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(
            Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
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
        SdkHttpResponse.Builder b =
                context.httpResponse().toBuilder()
                        .statusCode(status)
                        .statusText(code)
                        .removeHeader("Content-Length")
                        .removeHeader("ETag")
                        .removeHeader("x-amz-crc32");
        return json(attributes)
                ? b.putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("x-amzn-ErrorType", code)
                        .build()
                : b.putHeader("Content-Type", "application/xml").build();
    }

    @Override
    public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
            Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        AtomicInteger faked = attributes.getAttribute(FAKED);
        if (faked == null || faked.get() == 0) {
            return context.responsePublisher();
        }
        String document =
                json(attributes)
                        ? "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                                + code
                                + "\",\"message\":\"injected by the test\"}"
                        : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                                + code
                                + "</Code><Message>injected"
                                + " by the test</Message><RequestId>test</RequestId></Error>";
        byte[] body = document.getBytes(StandardCharsets.UTF_8);
        Publisher<ByteBuffer> original = context.responsePublisher().orElse(null);
        if (original == null) {
            return Optional.of(AsyncRequestBody.fromBytes(body));
        }
        // Drain what the server sent (so the connection is reusable), then answer with the error
        // document.
        return Optional.of(
                SdkPublisher.adapt(original)
                        .filter(x -> false)
                        .addTrailingData(() -> List.of(ByteBuffer.wrap(body))));
    }

    /** DynamoDB speaks JSON; S3 speaks XML. */
    private static boolean json(ExecutionAttributes attributes) {
        return "DynamoDb".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    }
}
