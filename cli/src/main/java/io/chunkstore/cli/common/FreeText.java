package io.chunkstore.cli.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The value of an option that takes free text (a label value or name, a tenant, a series ID, a
 * key): the next argument, whatever it looks like. Cortex and Loki accept any string there, so
 * {@code --value -V}, {@code --user=--help} and {@code --value --} give the option that value
 * instead of picocli reading an option name or the end-of-options marker. Use as
 * {@code @Option(..., parameterConsumer = FreeText.class)} on a {@code String} or {@code
 * List<String>} option.
 */
public class FreeText implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        String name =
                argSpec.isOption()
                        ? ((CommandLine.Model.OptionSpec) argSpec).longestName()
                        : argSpec.paramLabel();
        if (args.isEmpty()) {
            throw new CommandLine.MissingParameterException(
                    commandSpec.commandLine(),
                    argSpec,
                    "Missing required parameter for option '"
                            + name
                            + "' ("
                            + argSpec.paramLabel()
                            + ")");
        }
        String value = args.pop();
        if (Collection.class.isAssignableFrom(argSpec.type())) {
            Collection<String> current = argSpec.getValue();
            List<String> values = current == null ? new ArrayList<>() : new ArrayList<>(current);
            values.add(value);
            argSpec.setValue(values);
        } else {
            argSpec.setValue(value);
        }
    }
}
