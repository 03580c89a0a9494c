package io.chunkstore.spi.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One YAML key of a config record, bound by {@link ConfigBinder}: its name, default, description
 * and limits. Every component of a bound record carries one, so the binder can list every key with
 * its default for docs/configuration.md.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface ConfigKey {
    /** The YAML key. */
    String value();

    /**
     * The default, written as a user would write it in YAML and read by the same rules; "" is the
     * type's zero value ({@code ""}, 0, false, {@code 0s}, an empty list or map, a block with its
     * own defaults, or null for a key of any value).
     */
    String dflt() default "";

    /** What the key does, for the docs. */
    String doc();

    /** The smallest value a whole number or a number may take. */
    long min() default Long.MIN_VALUE;

    /** The values a string may take; empty for any. */
    String[] oneOf() default {};

    /**
     * A whole number that holds a byte size, written as a number of bytes or with a unit ({@link
     * ByteSize}).
     */
    boolean bytes() default false;
}
