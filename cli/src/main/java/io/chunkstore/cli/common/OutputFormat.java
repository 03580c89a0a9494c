package io.chunkstore.cli.common;

import java.util.Locale;
import picocli.CommandLine;

/** {@code --output text|json}: text for people, JSON for programs. */
public enum OutputFormat {
    /** Aligned lines for a terminal. */
    TEXT,
    /**
     * JSON: one document, or one object per line where a command streams (documented per command).
     */
    JSON;

    /** Reads {@code text} or {@code json}, in any case. */
    public static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "--output must be text or json, not '" + value + "'");
            }
        }
    }
}
