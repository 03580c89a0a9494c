package io.chunkstore.core.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * What one shard did so far; mutable, owned by the worker running the shard, copied into the
 * checkpoint.
 */
final class ShardStats {
    long found;
    long copied;
    long bytes;
    long verbatim;
    long rekeyed;
    long reencoded;
    long skipped;
    long filtered;
    long verified;
    final List<MigrationFailure> failures = new ArrayList<>();

    ShardStats copy() {
        ShardStats c = new ShardStats();
        c.add(this);
        return c;
    }

    void add(ShardStats o) {
        found += o.found;
        copied += o.copied;
        bytes += o.bytes;
        verbatim += o.verbatim;
        rekeyed += o.rekeyed;
        reencoded += o.reencoded;
        skipped += o.skipped;
        filtered += o.filtered;
        verified += o.verified;
        failures.addAll(o.failures);
    }
}
