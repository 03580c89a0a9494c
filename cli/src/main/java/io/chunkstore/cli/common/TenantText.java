package io.chunkstore.cli.common;

import io.chunkstore.core.model.TenantIds;
import io.chunkstore.spi.InvalidRequestException;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A tenant option: free text ({@link FreeText}: {@code --user -x} is the tenant {@code -x}) that
 * must be a tenant ID Cortex and Loki accept ({@link TenantIds}); anything else is a usage error
 * naming the rule.
 */
public final class TenantText extends FreeText {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
        String value = args.isEmpty() ? null : args.peek();
        if (value != null) {
            try {
                TenantIds.validate(value);
            } catch (InvalidRequestException e) {
                String name =
                        argSpec.isOption()
                                ? ((CommandLine.Model.OptionSpec) argSpec).longestName()
                                : argSpec.paramLabel();
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(), name + ": " + e.getMessage());
            }
        }
        super.consumeParameters(args, argSpec, commandSpec);
    }
}
