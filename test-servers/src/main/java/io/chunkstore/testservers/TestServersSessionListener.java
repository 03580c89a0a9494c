package io.chunkstore.testservers;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Registered through META-INF/services, so every test JVM that has this jar uses it: when the JUnit
 * session opens it pre-starts the servers named in {@code chunkstore.testservers.prestart} (none by
 * default), so slow servers boot while other tests run; when the session closes it stops every
 * server started. A JVM shutdown hook is the fallback.
 */
public final class TestServersSessionListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            TestServers.prestartConfigured();
        } catch (TestServerException e) {
            // A bad property must not kill the session; the tests that need the server will report
            // it.
            System.err.println("[test-servers] no pre-start: " + e.getMessage());
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestServers.stopAll();
    }
}
