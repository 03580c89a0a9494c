package io.chunkstore.bigtable;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How writes are split into MutateRows calls (no server: only the plan). */
class BulkWriterTest {
    private static ByteString s(String v) {
        return ByteString.copyFromUtf8(v);
    }

    @Test
    void cellsOfOneRowShareAnEntryAndRowsShareACall() {
        BulkWriter<Integer> w = new BulkWriter<>(null, "t");
        assertThat(w.isEmpty()).isTrue();
        w.set(s("a"), s("q1"), s("v"), 1)
                .set(s("b"), s("q1"), s("v"), 2)
                .delete(s("a"), s("q2"), 3);
        assertThat(w.plan()).containsExactly(List.of(2, 1));
    }

    @Test
    void aCallCarriesAtMostTenThousandMutations() {
        BulkWriter<Integer> w = new BulkWriter<>(null, "t");
        for (int i = 0; i < 25_000; i++) {
            w.set(s("row" + (i % 5)), s("q" + i), s("v"), i);
        }
        List<List<Integer>> plan = w.plan();
        assertThat(plan)
                .allSatisfy(
                        call ->
                                assertThat(call.stream().mapToInt(Integer::intValue).sum())
                                        .isLessThanOrEqualTo(BulkWriter.MAX_MUTATIONS_PER_CALL));
        assertThat(plan.stream().flatMap(List::stream).mapToInt(Integer::intValue).sum())
                .isEqualTo(25_000);
        assertThat(plan).hasSize(3);
    }

    @Test
    void aRowWithMoreMutationsThanACallIsSplitOverEntries() {
        BulkWriter<Integer> w = new BulkWriter<>(null, "t");
        for (int i = 0; i < 25_000; i++) {
            w.set(s("wide"), s("q" + i), s("v"), i);
        }
        assertThat(w.plan()).containsExactly(List.of(10_000), List.of(10_000), List.of(5_000));
    }

    @Test
    void callsStayUnderSixteenMebibytesExceptForOneLargeRow() {
        BulkWriter<Integer> w = new BulkWriter<>(null, "t");
        ByteString mib = ByteString.copyFrom(new byte[1 << 20]);
        ByteString big = ByteString.copyFrom(new byte[20 << 20]);
        for (int i = 0; i < 20; i++) {
            w.set(s("c" + i), s("c"), mib, i);
        }
        w.set(s("big"), s("c"), big, 99);
        w.set(s("after"), s("c"), mib, 100);
        List<List<Integer>> plan = w.plan();
        assertThat(plan)
                .containsExactly(
                        Collections.nCopies(15, 1),
                        Collections.nCopies(5, 1),
                        List.of(1),
                        List.of(1));
    }
}
