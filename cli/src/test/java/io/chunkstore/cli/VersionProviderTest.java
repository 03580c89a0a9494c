package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** --version: the version and the commit of the build, "unknown" where the build had no git. */
class VersionProviderTest {
    private static Properties props(String version, String commit, String dirty) {
        Properties p = new Properties();
        p.setProperty("version", version);
        p.setProperty("commit", commit);
        p.setProperty("dirty", dirty);
        return p;
    }

    @Test
    void aBuildFromACloneNamesItsCommit() {
        assertThat(VersionProvider.line(props("1.2.0", "0123456789ab", "false")))
                .isEqualTo("chunkstore 1.2.0 (commit 0123456789ab)");
        assertThat(VersionProvider.line(props("1.2.0", "0123456789ab", "true")))
                .isEqualTo("chunkstore 1.2.0 (commit 0123456789ab, with uncommitted changes)");
    }

    @Test
    void placeholdersTheBuildLeftAreUnknown() {
        assertThat(VersionProvider.line(props("1.2.0", "${git.commit.id.abbrev}", "${git.dirty}")))
                .isEqualTo("chunkstore 1.2.0 (commit unknown)");
        assertThat(VersionProvider.line(new Properties()))
                .isEqualTo("chunkstore development (commit unknown)");
    }

    /** The resource this build wrote: this module's version and, in a git checkout, a commit. */
    @Test
    void theBuiltResourceCarriesTheVersionAndACommitOrUnknown() throws IOException {
        String line = new VersionProvider().getVersion()[0];
        assertThat(line)
                .matches(
                        Pattern.compile(
                                "chunkstore \\S+ \\(commit ([0-9a-f]{12}|unknown)(, with uncommitted changes)?\\)"));
        assertThat(line).doesNotContain("${").doesNotContain("development");
    }
}
