package io.chunkstore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.PatternSyntaxException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Go's limits on regular expressions, before RE2/J compiles a user's: the sizes are those of Go's
 * {@code calcSize} worked by hand for each pattern; the refusals are what Go's {@code
 * regexp.Compile} answers.
 */
class RegexLimitsTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "abc; 3",
                "a|b|c; 5", // 3 literals + 2 for the extra branches
                "(a); 3", // capture adds 2
                "(?:ab); 2",
                "a*; 3",
                "a+; 2",
                "a?b; 3",
                "[a-z]+x; 3",
                "a{3}; 3", // max*size + (max-min)
                "a{2,5}; 8",
                "a{2,}; 3", // 1 + min*size
                "a{0,}; 3",
                "(ab){10}; 40", // (2 + 2) * 10
                "\\d{4}-\\d{2}; 7",
                "\\Qa.b\\E; 3",
                "(?i)abc; 3",
                "x{; 2", // a literal brace
            })
    void sizesAreGosEstimate(String regex, long size) {
        assertThat(RegexLimits.programSize(regex)).isEqualTo(size);
    }

    @Test
    void theNestedRepeatThatExhaustedTheHeapIsRefusedQuickly() {
        String hostile = "((((a{100}){100}){100}){100})";
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> RegexLimits.check(hostile))
                .isInstanceOf(PatternSyntaxException.class)
                .hasMessageContaining("expression too large")
                .hasMessageContaining("3355443");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        // One level less is 1,020,202 instructions by Go's estimate (102, 10,202, 1,020,202):
        // allowed, as in Go.
        assertThat(RegexLimits.programSize("(((a{100}){100}){100})")).isEqualTo(1_020_202L);
    }

    @Test
    void repeatCountsAndNestingHaveGosLimits() {
        RegexLimits.check("a{1000}");
        assertThatThrownBy(() -> RegexLimits.check("a{1001}"))
                .hasMessageContaining("invalid repeat count");
        assertThatThrownBy(() -> RegexLimits.check("a{5,2}"))
                .hasMessageContaining("invalid repeat count");
        RegexLimits.check("(".repeat(999) + "a" + ")".repeat(999));
        assertThatThrownBy(() -> RegexLimits.check("(".repeat(1001) + "a" + ")".repeat(1001)))
                .hasMessageContaining("expression nests too deeply");
    }

    @Test
    void everyUserRegexIsChecked() {
        assertThatThrownBy(
                        () ->
                                LabelMatcher.of(
                                        LabelMatcher.Type.REGEX,
                                        "job",
                                        "((((a{100}){100}){100}){100})"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expression too large")
                .hasMessageContaining("job=~");
    }
}
