package io.chunkstore.core.tables;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a table-manager sync does (or did): one {@link TableAction} per table it considered, in the
 * order a sync runs them (deletes, creates, updates, then the tables kept), each group sorted by
 * name.
 *
 * @param expected the names of the tables the schema config expects now
 * @param actions the actions
 */
public record TablePlan(List<String> expected, List<TableAction> actions) {
    public TablePlan {
        expected = List.copyOf(expected);
        actions = List.copyOf(actions);
    }

    public List<TableAction> of(TableAction.Kind kind) {
        return actions.stream().filter(a -> a.kind() == kind).toList();
    }

    /** Whether a sync would change nothing. */
    public boolean isNoop() {
        return actions.stream().allMatch(a -> a.kind() == TableAction.Kind.KEEP);
    }

    /** One line per action, for {@code tables plan}. */
    public String describe() {
        return actions.stream().map(TableAction::describe).collect(Collectors.joining("\n"));
    }
}
