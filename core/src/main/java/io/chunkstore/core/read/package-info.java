/**
 * Reading series with their samples out of a chunk store, for readers that hand whole series to
 * another system: Prometheus' remote read on {@code serve}, and block conversion. {@link
 * io.chunkstore.core.read.SeriesReader} turns label matchers into {@link
 * io.chunkstore.core.store.SeriesChunks} (in Prometheus' series order) under per-request {@link
 * io.chunkstore.core.read.ReadLimits}; {@link io.chunkstore.core.read.XorChunkCutter} cuts merged
 * samples into Prometheus XOR chunks.
 */
package io.chunkstore.core.read;
