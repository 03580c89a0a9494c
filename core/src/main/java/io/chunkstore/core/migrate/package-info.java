/**
 * Copying chunks and their index from one chunk store to another (the engine behind {@code
 * chunkstore migrate}): any backend to any backend, across schema versions (the destination's
 * periods decide the index layout and the external-key form) and tenant renames.
 *
 * <p>{@link io.chunkstore.core.migrate.Migrator} runs a {@link
 * io.chunkstore.core.migrate.MigrationPlan}: the range {@code [from, to)} is cut into time shards,
 * one per tenant; {@code parallel} workers take shards, list each shard's chunks from the source
 * index, fetch them in batches and write them (chunks before index) to the destination. The source
 * is only ever seen through {@link io.chunkstore.core.migrate.MigrationSource}, which has no write
 * method. A {@link io.chunkstore.core.migrate.Checkpoint} file records finished shards and the
 * progress of running ones, so a stopped or crashed run resumes where it was; every write is a
 * content-addressed overwrite, so any redone work is harmless. The result is a {@link
 * io.chunkstore.core.migrate.MigrationSummary}.
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder(from, to).tenant("team-a", "team-b")
 *         .match("{__name__=\"http_requests_total\"}").verify(true).build();
 * MigrationSummary s = new Migrator(MigrationSource.of(sourceStore), MigrationDestination.of(destStore, tables),
 *         plan).checkpoint(Checkpoint.open(file, plan.identity())).run();
 * }</pre>
 */
package io.chunkstore.core.migrate;
