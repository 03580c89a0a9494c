package io.chunkstore.dynamodb;

import io.chunkstore.spi.Bytes;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One put or delete for {@link BatchWriter}.
 *
 * @param table the table
 * @param hash the item's {@code h}
 * @param range the item's {@code r}
 * @param item the whole item for a put, null for a delete
 * @param origin what the caller wants back when this op is not written (an IndexEntry, a chunk key)
 * @param group ops of one group form a unit: once one fails, the group's ops of later stages are
 *     not attempted
 * @param stage ops of a stage are all settled before any op of a later stage is sent
 */
record WriteOp(
        String table,
        String hash,
        byte[] range,
        Map<String, AttributeValue> item,
        Object origin,
        Object group,
        int stage) {

    static WriteOp put(
            String table,
            String hash,
            byte[] range,
            Map<String, AttributeValue> item,
            Object origin,
            Object group,
            int stage) {
        return new WriteOp(table, hash, range, item, origin, group, stage);
    }

    static WriteOp delete(
            String table, String hash, byte[] range, Object origin, Object group, int stage) {
        return new WriteOp(table, hash, range, null, origin, group, stage);
    }

    /**
     * The item's identity: table, {@code h} and {@code r}. Two ops with the same cell never share a
     * request.
     */
    String cell() {
        return cell(table, hash, range);
    }

    static String cell(String table, String hash, byte[] range) {
        return table + '\u0000' + hash + '\u0000' + Bytes.hex(range);
    }

    WriteRequest request() {
        if (item == null) {
            return WriteRequest.builder()
                    .deleteRequest(DeleteRequest.builder().key(Layout.key(hash, range)).build())
                    .build();
        }
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    /** Identity: two equal-looking ops (a put repeated in a batch) are two writes. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return (item == null ? "delete " : "put ") + table + "/" + hash + "/" + Bytes.hex(range);
    }
}
