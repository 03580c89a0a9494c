package io.chunkstore.cli;

/** Exit codes with a meaning, shared by every command. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;

    /**
     * The work ran but found problems (a failed check, a corrupt chunk, a failed conformance case).
     */
    public static final int FAILED = 1;

    /** The command line or a config file is wrong (picocli's usage error code). */
    public static final int USAGE = 2;

    /** The store could not be reached or answered with an error. */
    public static final int STORAGE = 3;

    /** Interrupted (Ctrl-C, SIGINT: 128 + 2). */
    public static final int INTERRUPTED = 130;

    /**
     * Terminated (SIGTERM: 128 + 15), after a clean stop: what the JVM exits with once the shutdown
     * hooks (serve's drain and close, migrate's summary) have run.
     */
    public static final int TERMINATED = 143;

    private ExitCodes() {}
}
