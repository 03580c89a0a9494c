package io.chunkstore.conformance;

import io.chunkstore.spi.Capabilities.Feature;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The capabilities a contract (on the interface) or a test (on the method) needs. When the backend
 * under test does not declare all of them, the test is aborted and reported as skipped, naming what
 * is missing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresFeature {
    Feature[] value();
}
