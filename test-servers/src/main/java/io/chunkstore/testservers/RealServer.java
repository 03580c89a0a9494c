package io.chunkstore.testservers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts (or needs) a real server from {@link TestServers}. Such classes
 * run in {@code mvn verify} (failsafe, the full lane) and not in {@code mvn test} (surefire, the
 * fast lane), where {@link TestServers} refuses to start a server; the root pom names the tag in
 * {@code real-server.tag}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(RealServer.TAG)
public @interface RealServer {
    /** The JUnit tag this annotation stands for. */
    String TAG = "real-server";
}
