package io.chunkstore.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chunkstore.spi.IndexEntry;
import io.chunkstore.spi.InvalidChunkException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class LayoutTest {
    private static final String KEY = "userID/fd3477666dacf92a:16aab37c8e8:16aab6eb768:d97c78e1";

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** DynamoDB's item size: UTF-8 attribute names plus binary / string / number value lengths. */
    private static int itemSize(Map<String, AttributeValue> item) {
        int n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            n += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            AttributeValue v = e.getValue();
            n +=
                    v.b() != null
                            ? v.b().asByteArray().length
                            : v.s() != null ? v.s().getBytes(StandardCharsets.UTF_8).length : 21;
        }
        return n;
    }

    @Test
    void indexItemsAreCortexs() {
        Map<String, AttributeValue> item =
                Layout.indexItem(
                        new IndexEntry(
                                "index_1",
                                "userID:d18000:foo",
                                new byte[] {0, (byte) 0xff, 1},
                                new byte[] {'b', 'a', 'z'}));
        assertThat(item).containsOnlyKeys("h", "r", "c");
        assertThat(item.get("h").s()).isEqualTo("userID:d18000:foo");
        assertThat(item.get("r").b().asByteArray()).containsExactly(0, 0xff, 1);
        assertThat(item.get("c").b().asByteArray()).containsExactly('b', 'a', 'z');
        Map<String, AttributeValue> noValue =
                Layout.indexItem(new IndexEntry("index_1", "h", new byte[] {1}, null));
        assertThat(noValue).containsOnlyKeys("h", "r");
    }

    @Test
    void aChunkThatFitsIsOneCortexItem() {
        byte[] data = random(Layout.partSize(KEY));
        List<Layout.ChunkItem> items = Layout.chunkItems(KEY, data);
        assertThat(items).hasSize(1);
        Map<String, AttributeValue> item = items.get(0).item();
        assertThat(item).containsOnlyKeys("h", "r", "c");
        assertThat(item.get("h").s()).isEqualTo(KEY);
        assertThat(item.get("r").b().asByteArray()).containsExactly(0x63);
        assertThat(item.get("c").b().asByteArray()).isEqualTo(data);
        assertThat(itemSize(item)).isLessThanOrEqualTo(Layout.MAX_ITEM_BYTES);
    }

    @Test
    void aLargerChunkIsSplitPartsFirstHeadLast() {
        int size = Layout.partSize(KEY);
        byte[] data = random(2 * 1024 * 1024);
        List<Layout.ChunkItem> items = Layout.chunkItems(KEY, data);
        int parts = (data.length + size - 1) / size;
        assertThat(items).hasSize(parts);
        assertThat(Layout.partCount(KEY, data.length)).isEqualTo(parts);
        Layout.ChunkItem head = items.get(items.size() - 1);
        assertThat(head.head()).isTrue();
        assertThat(items.subList(0, parts - 1)).noneMatch(Layout.ChunkItem::head);
        assertThat(head.range()).containsExactly(0x63);
        assertThat(head.item()).containsOnlyKeys("h", "r", "c", "n", "s");
        assertThat(head.item().get("n").n()).isEqualTo(Integer.toString(parts));
        assertThat(head.item().get("s").n()).isEqualTo(Integer.toString(data.length));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.writeBytes(head.item().get("c").b().asByteArray());
        for (int p = 2; p <= parts; p++) {
            Layout.ChunkItem part = items.get(p - 2);
            assertThat(part.range()).containsExactly(0x63, 0, 0, 0, p);
            assertThat(part.item()).containsOnlyKeys("h", "r", "c");
            assertThat(part.item().get("h").s()).isEqualTo(KEY);
            joined.writeBytes(part.item().get("c").b().asByteArray());
        }
        assertThat(joined.toByteArray()).isEqualTo(data);
        for (Layout.ChunkItem i : items) {
            assertThat(itemSize(i.item())).isLessThanOrEqualTo(Layout.MAX_ITEM_BYTES);
        }
    }

    @Test
    void oneByteOverAPartSplitsInTwo() {
        byte[] data = random(Layout.partSize(KEY) + 1);
        List<Layout.ChunkItem> items = Layout.chunkItems(KEY, data);
        assertThat(items).hasSize(2);
        assertThat(items.get(0).item().get("c").b().asByteArray()).hasSize(1);
    }

    @Test
    void partRanges() {
        assertThat(Layout.partRange(2)).containsExactly(0x63, 0, 0, 0, 2);
        assertThat(Layout.partRange(258)).containsExactly(0x63, 0, 0, 1, 2);
        assertThatThrownBy(() -> Layout.partRange(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Layout.isChunkRange(Layout.CHUNK_RANGE)).isTrue();
        assertThat(Layout.isChunkRange(Layout.partRange(7))).isTrue();
        assertThat(Layout.isChunkRange(new byte[] {0x63, 0})).isFalse();
        assertThat(Layout.isChunkRange(new byte[] {0x64})).isFalse();
    }

    @Test
    void reassemblyChecksTheTotalLength() {
        byte[] data = random(1_000_000);
        List<Layout.ChunkItem> items = Layout.chunkItems(KEY, data);
        Map<String, AttributeValue> head = items.get(items.size() - 1).item();
        List<Map<String, AttributeValue>> parts = new ArrayList<>();
        items.subList(0, items.size() - 1).forEach(i -> parts.add(i.item()));
        assertThat(DynamoChunkClient.assemble(KEY, head, parts)).isEqualTo(data);

        assertThatThrownBy(
                        () ->
                                DynamoChunkClient.assemble(
                                        KEY, head, parts.subList(0, parts.size() - 1)))
                .isInstanceOf(InvalidChunkException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining("says " + data.length)
                .satisfies(
                        e ->
                                assertThat(((InvalidChunkException) e).reason())
                                        .isEqualTo(InvalidChunkException.Reason.CORRUPT));
        Map<String, AttributeValue> badHead = new HashMap<>(head);
        badHead.put("s", AttributeValue.builder().n("x").build());
        assertThatThrownBy(() -> DynamoChunkClient.assemble(KEY, badHead, parts))
                .isInstanceOf(InvalidChunkException.class)
                .hasMessageContaining("'s'");
    }
}
