package io.chunkstore.core.schema;

/**
 * A query shard from a {@code __cortex_shard__="N_of_M"} matcher: with row-sharded schemas (v10+)
 * only the index rows of row shard {@code shard} are read. {@code of} is carried along but, as in
 * Cortex, not checked.
 *
 * @param shard the row shard to keep
 * @param of the number of query shards
 */
public record QueryShard(int shard, int of) {}
