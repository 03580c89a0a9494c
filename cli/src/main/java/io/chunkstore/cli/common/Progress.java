package io.chunkstore.cli.common;

import java.io.PrintStream;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work (me.tongfei:progressbar), shown only when a person
 * watches: the process has a terminal (Java 17's {@link System#console()}: none when stdin or
 * stdout is redirected), {@code TERM} is not {@code dumb} and {@code CHUNKSTORE_NO_PROGRESS} is
 * unset. Otherwise every call is a no-op, so output piped to a file or read by tests stays clean.
 * The bar is drawn in color with Unicode blocks, or in plain ASCII without escape codes when {@code
 * NO_COLOR} is set to anything but the empty string (no-color.org) or the terminal is dumb.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Whether bars are shown in this process. */
    public static boolean enabled() {
        return enabled(System.console() != null, System.getenv());
    }

    /** Whether bars are shown, given whether there is a terminal and the environment. */
    static boolean enabled(boolean terminal, Map<String, String> env) {
        return terminal
                && !"dumb".equals(env.get("TERM"))
                && env.get("CHUNKSTORE_NO_PROGRESS") == null;
    }

    /** The bar's style in this process's environment (for bars built elsewhere, e.g. migrate's). */
    public static ProgressBarStyle style() {
        return style(System.getenv());
    }

    /** The bar's style for an environment: no color where NO_COLOR asks for none. */
    static ProgressBarStyle style(Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        boolean plain = (noColor != null && !noColor.isEmpty()) || "dumb".equals(env.get("TERM"));
        return plain ? ProgressBarStyle.ASCII : ProgressBarStyle.COLORFUL_UNICODE_BLOCK;
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
                        .setStyle(style())
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
