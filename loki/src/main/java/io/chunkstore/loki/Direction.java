package io.chunkstore.loki;

/**
 * The order log entries come out in: oldest first (FORWARD) or newest first (BACKWARD), as in
 * Loki's queries.
 */
public enum Direction {
    FORWARD,
    BACKWARD
}
