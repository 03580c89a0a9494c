package io.chunkstore.cli.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;

/** Progress bars: only on a terminal, and without color where NO_COLOR (or a dumb TERM) asks. */
class ProgressTest {
    @Test
    void noTerminalNoBar() {
        assertThat(Progress.enabled(false, Map.of())).isFalse();
        assertThat(Progress.enabled(true, Map.of())).isTrue();
        assertThat(Progress.enabled(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(Progress.enabled(true, Map.of("CHUNKSTORE_NO_PROGRESS", ""))).isFalse();
    }

    @Test
    void noColorMeansThePlainStyle() {
        assertThat(Progress.style(Map.of())).isEqualTo(ProgressBarStyle.COLORFUL_UNICODE_BLOCK);
        assertThat(Progress.style(Map.of("NO_COLOR", "1"))).isEqualTo(ProgressBarStyle.ASCII);
        // no-color.org: an empty NO_COLOR does not count.
        assertThat(Progress.style(Map.of("NO_COLOR", "")))
                .isEqualTo(ProgressBarStyle.COLORFUL_UNICODE_BLOCK);
        assertThat(Progress.style(Map.of("TERM", "dumb"))).isEqualTo(ProgressBarStyle.ASCII);
    }

    /** The test JVM has no terminal: a started bar is a no-op and writes nothing anywhere. */
    @Test
    void withoutATerminalStartWritesNothing() {
        assertThat(Progress.enabled()).isFalse();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Progress p = Progress.start("things", 10)) {
            p.stepBy(5);
            p.message("half");
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
