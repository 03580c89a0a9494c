/**
 * Prometheus' APIs on {@code serve}'s HTTP port: remote read ({@code POST /api/v1/read}, both
 * response types) and the label and series endpoints, over a chunk store. Mounted by {@link
 * io.chunkstore.server.PromApiMount}.
 */
package io.chunkstore.server.prom;
