package io.chunkstore.spi;

/**
 * What {@link TableClient#describeTable} reports: the table as it is, and whether it is ready for
 * use.
 */
public record TableStatus(TableDesc desc, boolean active) {}
