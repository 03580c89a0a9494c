package io.chunkstore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorsTest {
    @Test
    void parsesAllMatcherTypes() {
        List<LabelMatcher> m =
                Selectors.parseMatchers(
                        "foo{bar=~\"b.*\", baz!=\"x\",qux!~'y|z' , a=\"\\\"q\\\"\",}");
        assertThat(m)
                .extracting(Object::toString)
                .containsExactly(
                        "__name__=\"foo\"",
                        "bar=~\"b.*\"",
                        "baz!=\"x\"",
                        "qux!~\"y|z\"",
                        "a=\"\\\"q\\\"\"");
    }

    @Test
    void regexesAreAnchored() {
        LabelMatcher m = Selectors.parseMatchers("{job=~\"var.*\"}").get(0);
        assertThat(m.matches("varlogs")).isTrue();
        assertThat(m.matches("xvarlogs")).isFalse();
        assertThat(Selectors.parseMatchers("{a=~\"b|c\"}").get(0).matches("bc")).isFalse();
    }

    @Test
    void labelSetsAreSortedAndUnique() {
        Labels l = Selectors.parseLabels("{toms=\"code\", __name__=\"foo\", bar=\"baz\"}");
        assertThat(l.names()).containsExactly("__name__", "bar", "toms");
        assertThat(l.metricName()).isEqualTo("foo");
        assertThat(l.toString()).isEqualTo("{__name__=\"foo\", bar=\"baz\", toms=\"code\"}");
        assertThatThrownBy(() -> Selectors.parseLabels("{a=\"1\", a=\"2\"}"))
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Selectors.parseLabels("{a=~\"1\"}"))
                .hasMessageContaining("only name=");
    }

    @Test
    void errorsNameThePosition() {
        assertThatThrownBy(() -> Selectors.parseMatchers("{a=\"1\" b=\"2\"}"))
                .hasMessageContaining("expected ',' or '}' at offset 7");
        assertThatThrownBy(() -> Selectors.parseMatchers("{a=~\"(\"}"))
                .hasMessageContaining("invalid regular");
        assertThatThrownBy(() -> Selectors.parseMatchers("{a=\"1\"} junk"))
                .hasMessageContaining("unexpected");
    }
}
