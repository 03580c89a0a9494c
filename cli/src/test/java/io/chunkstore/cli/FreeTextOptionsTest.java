package io.chunkstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Options that take free text (label values, names, tenants, series IDs, queries) accept values
 * that look like options or like the end-of-options marker, in both the {@code --opt value} and the
 * {@code --opt=value} form: Cortex and Loki accept any string there.
 */
class FreeTextOptionsTest {
    static final List<String> TRICKY =
            List.of("-V", "-h", "--", "--help", "--version", "-", "--value", "-x=1");

    /**
     * A command path, the arguments it needs besides the option under test, and the free-text
     * options.
     */
    record Case(List<String> command, List<String> required, List<String> freeText) {}

    static final List<Case> CASES =
            List.of(
                    new Case(
                            List.of("schema", "queries"),
                            List.of(
                                    "--config",
                                    "c.yaml",
                                    "--from",
                                    "0",
                                    "--through",
                                    "1",
                                    "--lookup",
                                    "labelvalue"),
                            List.of("--value", "--user", "--metric", "--label", "--series")),
                    new Case(
                            List.of("schema", "entries"),
                            List.of("--config", "c.yaml", "--from", "0", "--through", "1"),
                            List.of("--user", "--labels", "--chunk-id")),
                    new Case(
                            List.of("labels"),
                            List.of("--config", "c.yaml"),
                            List.of("--user", "--metric", "--name")),
                    new Case(
                            List.of("query"),
                            List.of("--config", "c.yaml", "--from", "0", "--to", "1", "up"),
                            List.of("--user")),
                    new Case(
                            List.of("logs", "query"),
                            List.of("--config", "c.yaml", "{a=\"b\"}"),
                            List.of("--user")),
                    new Case(
                            List.of("index", "scan"),
                            List.of("--config", "c.yaml", "--table", "t"),
                            List.of("--hash")));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : CASES) {
            for (String option : c.freeText()) {
                for (String value : TRICKY) {
                    if (option.equals("--user") && value.contains("=")) {
                        continue; // not a tenant ID Cortex accepts: TenantOptionsTest
                    }
                    out.add(Arguments.of(c, option, value, false));
                    out.add(Arguments.of(c, option, value, true));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} joined={3}")
    @MethodSource("cases")
    void anOptionTakesAValueThatLooksLikeAnOption(
            Case c, String option, String value, boolean joined) {
        List<String> args = new ArrayList<>(c.command());
        List<String> required = new ArrayList<>(c.required());
        // The option under test may also be one the case needs: give it only once.
        int at = required.indexOf(option);
        if (at >= 0) {
            required.remove(at + 1);
            required.remove(at);
        }
        if (joined) {
            args.add(option + "=" + value);
        } else {
            args.add(option);
            args.add(value);
        }
        args.addAll(required);
        // Options the command requires that neither the case nor the test gives get a plain value.
        CommandLine cl = Main.commandLine();
        for (String s : c.command()) {
            cl = cl.getSubcommands().get(s);
        }
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (o.required()
                    && o.group() == null
                    && !o.longestName().equals(option)
                    && !args.contains(o.longestName())) {
                args.add(o.longestName());
                args.add(
                        o.longestName().equals("--from") || o.longestName().equals("--through")
                                ? "1"
                                : "x");
            }
        }
        ParseResult pr = Main.commandLine().parseArgs(args.toArray(String[]::new));
        while (pr.hasSubcommand()) {
            pr = pr.subcommand();
        }
        Object v = pr.commandSpec().findOption(option).getValue();
        Object shown =
                v instanceof List<?> l
                        ? String.join(",", l.stream().map(String::valueOf).toList())
                        : v;
        assertThat(String.valueOf(shown)).as("%s", args).isEqualTo(value);
    }

    @ParameterizedTest
    @MethodSource("options")
    void everyCaseNamesOptionsTheCommandHas(Case c) {
        CommandLine cl = Main.commandLine();
        for (String s : c.command()) {
            cl = cl.getSubcommands().get(s);
        }
        for (String option : c.freeText()) {
            assertThat(cl.getCommandSpec().findOption(option))
                    .as("%s %s", c.command(), option)
                    .isNotNull();
        }
    }

    static Stream<Case> options() {
        return CASES.stream();
    }
}
