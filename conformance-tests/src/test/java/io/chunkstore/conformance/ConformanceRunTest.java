package io.chunkstore.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.chunkstore.conformance.ConformanceRun.CaseResult;
import io.chunkstore.conformance.ConformanceRun.Report;
import io.chunkstore.conformance.ConformanceRun.Status;
import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.memory.InMemoryBackend;
import io.chunkstore.spi.support.ComposedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The suite run programmatically, as the cli's conformance command runs it against a live store.
 */
class ConformanceRunTest {

    @Test
    void runsTheSelectedCasesAgainstTheGivenBackendWithMappedTableNames() {
        InMemoryBackend backend = new InMemoryBackend();
        AtomicInteger opened = new AtomicInteger();
        List<String> started = new ArrayList<>();
        long[] planned = {0};
        Report report =
                ConformanceRun.builder(
                                () -> {
                                    opened.incrementAndGet();
                                    return backend;
                                })
                        .tableName(n -> "run42_" + n)
                        .dropTablesAfterEachTest(false)
                        .cases(name -> name.startsWith("TableContract."))
                        .listener(
                                new ConformanceRun.Listener() {
                                    @Override
                                    public void planned(long cases) {
                                        planned[0] = cases;
                                    }

                                    @Override
                                    public void started(String contract, String test) {
                                        started.add(contract + "." + test);
                                    }
                                })
                        .build()
                        .run();
        assertThat(opened).hasValue(1);
        assertThat(report.cases())
                .isNotEmpty()
                .allSatisfy(
                        c -> {
                            assertThat(c.contract()).isEqualTo("TableContract");
                            assertThat(c.status())
                                    .as(c.name() + ": " + c.message())
                                    .isEqualTo(Status.PASSED);
                        });
        assertThat(planned[0]).isEqualTo(report.cases().size());
        assertThat(started).hasSameSizeAs(report.cases());
        assertThat(report.ok()).isTrue();
        // Tables were kept (drop off) and every name went through the mapping.
        assertThat(backend.listTables()).isNotEmpty().allMatch(t -> t.startsWith("run42_"));
    }

    @Test
    void reportsFailuresAndSkipsPerCase() {
        // A backend without tables: table cases are skipped naming the feature; a failing opener
        // fails every case.
        Capabilities noTables = Capabilities.of(Feature.INDEX, Feature.CHUNKS);
        InMemoryBackend m = new InMemoryBackend();
        Report skipped =
                ConformanceRun.builder(
                                () ->
                                        ComposedBackend.builder("no-tables", noTables)
                                                .index(m)
                                                .chunks(m)
                                                .build())
                        .cases(n -> n.startsWith("TableContract."))
                        .build()
                        .run();
        assertThat(skipped.cases())
                .isNotEmpty()
                .allSatisfy(
                        c -> {
                            assertThat(c.status()).isEqualTo(Status.SKIPPED);
                            assertThat(c.message()).contains("TABLES");
                        });

        Report failed =
                ConformanceRun.builder(
                                () -> {
                                    throw new IllegalStateException("cluster unreachable");
                                })
                        .cases(n -> n.startsWith("ChunkContract."))
                        .build()
                        .run();
        assertThat(failed.ok()).isFalse();
        assertThat(failed.count(Status.FAILED)).isEqualTo(failed.cases().size()).isPositive();
        CaseResult first = failed.cases().get(0);
        assertThat(first.error()).hasRootCauseMessage("cluster unreachable");
    }

    @Test
    void aRunOutsideConformanceRunIsAborted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new ConformanceRun.Suite().openBackend())
                .isInstanceOf(org.opentest4j.TestAbortedException.class);
    }
}
