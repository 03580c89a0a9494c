package io.chunkstore.server;

import org.slf4j.Logger;

/**
 * The steps of a shutdown, each run whatever the one before it did: a step that throws is logged
 * (naming the step) and counted, and the next step runs. So one stuck part (an HTTP request that
 * outlives the stop time-out) cannot leave the backends open.
 */
final class ShutdownSteps {
    private final Logger log;
    private int failures;

    ShutdownSteps(Logger log) {
        this.log = log;
    }

    /** Runs one step; a failure is logged as a warning with {@code what} and counted. */
    void run(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures++;
            log.warn("shutdown: {} failed, going on: {}", what, e.toString());
        }
    }

    /** How many steps failed. */
    int failures() {
        return failures;
    }
}
