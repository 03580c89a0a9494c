package io.chunkstore.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chunkstore.cli.common.FreeText;
import io.chunkstore.cli.common.Json;
import io.chunkstore.cli.common.OutputOption;
import io.chunkstore.cli.common.StoreOptions;
import io.chunkstore.cli.common.UserOption;
import io.chunkstore.core.store.CompositeStore;
import io.chunkstore.server.ConfigStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chunkstore labels}: the label names of a metric's series in a time range, or the values of
 * one label, as a Cortex querier answers them from the chunk store (label-names rows from schema
 * v11, chunks before).
 */
@Command(
        name = "labels",
        mixinStandardHelpOptions = true,
        description = {
            "Print the label names of a metric's series, or with --name the values of that label, in a"
                    + " time range, one per line (--output json: one document).",
            "Exit codes: 0 ok, 2 bad config / range, 3 store unreachable."
        })
final class LabelsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin StoreOptions store;

    @Mixin TimeRangeOptions range;

    @Mixin OutputOption output;

    @Mixin UserOption user;

    @Option(
            names = "--metric",
            parameterConsumer = FreeText.class,
            required = true,
            paramLabel = "NAME",
            description = "Metric name (__name__).")
    String metric;

    @Option(
            names = "--name",
            parameterConsumer = FreeText.class,
            paramLabel = "LABEL",
            description = "Print the values of this label instead of names.")
    String name;

    @Override
    public Integer call() {
        range.check(spec);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> answer;
        try (ConfigStores stores = store.open(registry)) {
            CompositeStore cs = stores.querier();
            answer =
                    name == null
                            ? cs.labelNamesForMetricName(user.id(), range.from, range.to, metric)
                            : cs.labelValuesForMetricName(
                                    user.id(), range.from, range.to, metric, name);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode root = Json.object();
            root.put("metric", metric);
            if (name != null) {
                root.put("label", name);
            }
            ArrayNode arr = root.putArray(name == null ? "names" : "values");
            answer.forEach(arr::add);
            Json.print(out, root);
        } else {
            answer.forEach(out::println);
            out.flush();
        }
        return ExitCodes.OK;
    }
}
