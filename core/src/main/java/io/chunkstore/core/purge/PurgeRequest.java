package io.chunkstore.core.purge;

import io.chunkstore.core.model.LabelMatcher;
import io.chunkstore.core.model.TenantIds;
import io.chunkstore.spi.InvalidRequestException;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Purger#deleteSeries} deletes: the samples of the tenant's series matching every
 * matcher in {@code [fromMs, toMs)}.
 *
 * @param tenant the tenant (validated with {@link TenantIds})
 * @param selector the selector as the user wrote it (for messages and the checkpoint)
 * @param matchers the parsed selector; must name a metric ({@code __name__="m"}), as every index
 *     lookup does
 * @param fromMs first deleted millisecond (inclusive)
 * @param toMs end of the range (exclusive)
 * @param wholeChunks keep chunks that straddle {@code fromMs} or {@code toMs} (and report them)
 *     instead of rewriting them without the deleted samples
 */
public record PurgeRequest(
        String tenant,
        String selector,
        List<LabelMatcher> matchers,
        long fromMs,
        long toMs,
        boolean wholeChunks) {
    public PurgeRequest {
        TenantIds.validate(tenant);
        Objects.requireNonNull(selector, "selector");
        matchers = List.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new InvalidRequestException("a delete needs a selector with a metric name");
        }
        if (toMs <= fromMs) {
            throw new InvalidRequestException(
                    "the delete range ["
                            + fromMs
                            + ", "
                            + toMs
                            + ") is empty: --to must be after --from");
        }
    }

    /** Whether a sample time is deleted. */
    public boolean covers(long timeMs) {
        return timeMs >= fromMs && timeMs < toMs;
    }
}
