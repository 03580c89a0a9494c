package io.chunkstore.cli.common;

import picocli.CommandLine.Option;

/**
 * The {@code --output text|json} option, as a picocli mixin ({@code @Mixin OutputOption output;}).
 */
public final class OutputOption {
    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "text",
            converter = OutputFormat.Converter.class,
            description = "text (default) or json.")
    OutputFormat format = OutputFormat.TEXT;

    public OutputFormat format() {
        return format;
    }

    public boolean json() {
        return format == OutputFormat.JSON;
    }
}
