package io.chunkstore.cli.common;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work (me.tongfei:progressbar), shown only when a person
 * watches: stderr is a terminal and {@code CHUNKSTORE_NO_PROGRESS} is unset. Otherwise every call
 * is a no-op, so output piped to a file or read by tests stays clean.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Whether bars are shown in this process. */
    public static boolean enabled() {
        return System.console() != null && System.getenv("CHUNKSTORE_NO_PROGRESS") == null;
    }

    /**
     * Starts a bar.
     *
     * @param task what is counted, e.g. {@code "chunks"}
     * @param total the expected count, or -1 when unknown (the bar then counts up)
     */
    public static Progress start(String task, long total) {
        return enabled() ? start(task, total, System.err) : new Progress(null);
    }

    /** A bar on the given stream, whether or not it is a terminal. */
    public static Progress start(String task, long total, PrintStream out) {
        ProgressBar b =
                new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(out))
                        .setUpdateIntervalMillis(200)
                        .showSpeed()
                        .build();
        return new Progress(b);
    }

    public void step() {
        stepBy(1);
    }

    public void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Text after the bar (the current table, the last case). */
    public void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    /** A new expected total. */
    public void total(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
