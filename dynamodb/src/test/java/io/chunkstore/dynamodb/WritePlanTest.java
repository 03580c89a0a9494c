package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.spi.IndexEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WritePlanTest {

    private static WriteOp put(String table, String hash, String range) {
        IndexEntry e = new IndexEntry(table, hash, range.getBytes(StandardCharsets.UTF_8), null);
        return WriteOp.put(table, hash, e.rangeValue(), Layout.indexItem(e), e, e.cellKey(), 0);
    }

    private static WriteOp delete(String table, String hash, String range) {
        IndexEntry e = new IndexEntry(table, hash, range.getBytes(StandardCharsets.UTF_8), null);
        return WriteOp.delete(table, hash, e.rangeValue(), e, e.cellKey(), 0);
    }

    @Test
    void atMost25PerRequestInInputOrder() {
        List<WriteOp> ops = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ops.add(put("index_1", "h" + (i % 7), "r" + i));
        }
        List<List<List<WriteOp>>> plan = WritePlan.plan(ops, 25);
        assertThat(plan).hasSize(1);
        assertThat(plan.get(0)).extracting(List::size).containsExactly(25, 25, 10);
        assertThat(plan.get(0).stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(ops);
    }

    @Test
    void aRequestHoldsOneTable() {
        List<WriteOp> ops =
                List.of(
                        put("index_1", "a", "1"),
                        put("index_2", "a", "1"),
                        put("index_1", "b", "1"));
        List<List<WriteOp>> requests = WritePlan.plan(ops, 25).get(0);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).extracting(WriteOp::table).containsOnly("index_1");
        assertThat(requests.get(0)).hasSize(2);
        assertThat(requests.get(1)).extracting(WriteOp::table).containsOnly("index_2");
    }

    @Test
    void aPutAndADeleteOfOneCellGoInOrderToSeparatePhases() {
        WriteOp p = put("index_1", "h", "x");
        WriteOp other = put("index_1", "h", "y");
        WriteOp d = delete("index_1", "h", "x");
        WriteOp d2 = delete("index_1", "h", "z");
        List<List<List<WriteOp>>> plan = WritePlan.plan(List.of(p, other, d, d2), 25);
        assertThat(plan).hasSize(2);
        assertThat(plan.get(0)).containsExactly(List.of(p, other, d2));
        assertThat(plan.get(1)).containsExactly(List.of(d));
    }

    @Test
    void theSameCellInTwoTablesIsTwoCells() {
        assertThat(
                        WritePlan.plan(
                                List.of(put("index_1", "h", "x"), delete("index_2", "h", "x")), 25))
                .hasSize(1);
    }

    @Test
    void stagesComeInOrderWhateverTheInputOrder() {
        WriteOp head =
                WriteOp.put(
                        "chunks_1",
                        "k",
                        Layout.CHUNK_RANGE,
                        Layout.key("k", Layout.CHUNK_RANGE),
                        "k",
                        "k",
                        1);
        WriteOp part =
                WriteOp.put(
                        "chunks_1",
                        "k",
                        Layout.partRange(2),
                        Layout.key("k", Layout.partRange(2)),
                        "k",
                        "k",
                        0);
        List<List<List<WriteOp>>> plan = WritePlan.plan(List.of(head, part), 25);
        assertThat(plan).hasSize(2);
        assertThat(plan.get(0)).containsExactly(List.of(part));
        assertThat(plan.get(1)).containsExactly(List.of(head));
    }

    /**
     * Every op is planned exactly once; no request repeats a cell; each cell's ops keep their
     * order.
     */
    @Property(tries = 200)
    void planInvariants(
            @ForAll @Size(max = 120) List<@IntRange(max = 30) Integer> cells,
            @ForAll @IntRange(min = 1, max = 25) int max) {
        List<WriteOp> ops = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            int c = cells.get(i);
            String table = "table_" + (c % 3);
            ops.add(i % 3 == 2 ? delete(table, "h", "r" + c) : put(table, "h", "r" + c));
        }
        List<List<List<WriteOp>>> plan = WritePlan.plan(ops, max);
        List<WriteOp> planned = new ArrayList<>();
        for (List<List<WriteOp>> phase : plan) {
            for (List<WriteOp> request : phase) {
                assertThat(request).isNotEmpty().hasSizeLessThanOrEqualTo(max);
                assertThat(request.stream().map(WriteOp::table).distinct()).hasSize(1);
                Set<String> seen = new HashSet<>();
                for (WriteOp op : request) {
                    assertThat(seen.add(op.cell()))
                            .as("cell repeated in a request: %s", op)
                            .isTrue();
                }
                planned.addAll(request);
            }
        }
        assertThat(planned).containsExactlyInAnyOrderElementsOf(ops);
        // per cell, the plan order (phase by phase) is the input order
        for (WriteOp a : ops) {
            List<WriteOp> sameCellInput =
                    ops.stream().filter(o -> o.cell().equals(a.cell())).toList();
            List<WriteOp> sameCellPlanned =
                    planned.stream().filter(o -> o.cell().equals(a.cell())).toList();
            assertThat(sameCellPlanned).containsExactlyElementsOf(sameCellInput);
        }
    }
}
