package io.chunkstore.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits write ops into BatchWriteItem requests: phases run one after the other, the requests of a
 * phase in parallel. Phases follow the ops' stages; inside a stage, the k-th op on a cell goes to
 * the k-th phase of the stage, so two ops on one cell never share a request (DynamoDB rejects that)
 * and keep their order (a put, then the delete of the same cell). A request holds at most 25 ops of
 * one table, in input order.
 */
final class WritePlan {
    private WritePlan() {}

    /** Phases in order; each phase a list of requests; each request a list of ops. */
    static List<List<List<WriteOp>>> plan(List<WriteOp> ops, int maxPerRequest) {
        // (stage, occurrence) -> ops in input order
        TreeMap<Long, List<WriteOp>> phases = new TreeMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (WriteOp op : ops) {
            String occurrenceKey = op.stage() + "\u0000" + op.cell();
            int occurrence = seen.merge(occurrenceKey, 1, Integer::sum) - 1;
            long order = ((long) op.stage() << 32) | occurrence;
            phases.computeIfAbsent(order, k -> new ArrayList<>()).add(op);
        }
        List<List<List<WriteOp>>> out = new ArrayList<>();
        for (List<WriteOp> phase : phases.values()) {
            Map<String, List<WriteOp>> byTable = new LinkedHashMap<>();
            for (WriteOp op : phase) {
                byTable.computeIfAbsent(op.table(), t -> new ArrayList<>()).add(op);
            }
            List<List<WriteOp>> requests = new ArrayList<>();
            for (List<WriteOp> tableOps : byTable.values()) {
                for (int i = 0; i < tableOps.size(); i += maxPerRequest) {
                    requests.add(
                            List.copyOf(
                                    tableOps.subList(
                                            i, Math.min(tableOps.size(), i + maxPerRequest))));
                }
            }
            out.add(requests);
        }
        return out;
    }
}
