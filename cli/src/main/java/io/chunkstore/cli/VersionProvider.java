package io.chunkstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: the version and the commit the build was made from, as the build wrote them
 * into {@code version.properties} (a commit the build could not read, outside a git checkout, is
 * "unknown"; a build of a changed work tree says so).
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        return new String[] {line(read())};
    }

    /** The one line {@code --version} prints for these build properties. */
    static String line(Properties build) {
        String version = known(build.getProperty("version"), "development");
        String commit = known(build.getProperty("commit"), "unknown");
        boolean dirty = "true".equals(build.getProperty("dirty"));
        return "chunkstore "
                + version
                + " (commit "
                + commit
                + (dirty && !commit.equals("unknown") ? ", with uncommitted changes" : "")
                + ")";
    }

    /** A property the build filled in, or the fallback for one it left as its placeholder. */
    private static String known(String value, String fallback) {
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
    }

    private static Properties read() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // No build properties: "development (commit unknown)".
        }
        return p;
    }
}
