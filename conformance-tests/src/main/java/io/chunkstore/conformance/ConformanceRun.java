package io.chunkstore.conformance;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.chunkstore.spi.StorageBackend;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.opentest4j.TestAbortedException;

/**
 * Runs the whole {@link ConformanceSuite} outside a test build, against a backend given at run time
 * (a live cluster opened from a user's config): the JUnit Platform launcher discovers the suite
 * through one class, {@link Suite}, whose {@link BackendContract#openBackend()} opens the backend
 * of the run in progress. The report has one result per test case.
 *
 * <pre>{@code
 * ConformanceRun.Report report = ConformanceRun.builder(() -> StorageProviders.open(context))
 *         .tableName(name -> "conformance_x1y2z3_" + name)   // every table the suite makes
 *         .listener(r -> System.err.println(r.status() + " " + r.name()))
 *         .build().run();
 * }</pre>
 *
 * Runs never overlap in one JVM (the suite class finds its run through a static field); a second
 * {@link #run()} waits for the first. The launcher is created without auto-registered session or
 * execution listeners, so a run inside a test JVM does not disturb the surrounding test session.
 */
public final class ConformanceRun {
    /** How a case ended. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED
    }

    /**
     * One test case of the suite.
     *
     * @param contract the contract interface declaring it ({@code IndexContract})
     * @param test the test method ({@code queryPagesByPrefix})
     * @param status how it ended (a missing capability or an aborted test is SKIPPED)
     * @param duration how long it ran
     * @param message why it failed or was skipped ("" when it passed)
     * @param error the failure or abort, null when it passed
     */
    public record CaseResult(
            String contract,
            String test,
            Status status,
            Duration duration,
            String message,
            Throwable error) {
        /** {@code Contract.test}. */
        public String name() {
            return contract + "." + test;
        }
    }

    /** Every case of a run, in the order they ran. */
    public record Report(List<CaseResult> cases) {
        public Report {
            cases = List.copyOf(cases);
        }

        public long count(Status s) {
            return cases.stream().filter(c -> c.status() == s).count();
        }

        /** Whether no case failed. */
        public boolean ok() {
            return count(Status.FAILED) == 0;
        }
    }

    /** Follows a run as it goes (for progress output). Called on the run's thread. */
    public interface Listener {
        /** The number of cases about to run. */
        default void planned(long cases) {}

        default void started(String contract, String test) {}

        default void finished(CaseResult result) {}
    }

    /**
     * Opens the backend under test; called once per run (the suite closes it after its last case).
     */
    @FunctionalInterface
    public interface Opener {
        StorageBackend open() throws Exception;
    }

    private static final AtomicReference<ConformanceRun> CURRENT = new AtomicReference<>();

    private final Opener opener;
    private final UnaryOperator<String> tableName;
    private final boolean dropTables;
    private final Predicate<String> caseFilter;
    private final Listener listener;

    private ConformanceRun(Builder b) {
        this.opener = b.opener;
        this.tableName = b.tableName;
        this.dropTables = b.dropTables;
        this.caseFilter = b.caseFilter;
        this.listener = b.listener;
    }

    public static Builder builder(Opener opener) {
        return new Builder(opener);
    }

    /**
     * Runs the suite and returns the report. A backend that cannot be opened makes every case fail
     * with that cause.
     */
    public Report run() {
        synchronized (ConformanceRun.class) {
            CURRENT.set(this);
            try {
                return launch();
            } finally {
                CURRENT.set(null);
            }
        }
    }

    private Report launch() {
        LauncherDiscoveryRequest request =
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(Suite.class))
                        .filters(
                                EngineFilter.includeEngines("junit-jupiter"),
                                (PostDiscoveryFilter) this::filter)
                        .enableImplicitConfigurationParameters(false)
                        .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                        .configurationParameter(
                                "junit.jupiter.extensions.autodetection.enabled", "false")
                        .build();
        Launcher launcher =
                LauncherFactory.create(
                        LauncherConfig.builder()
                                .enableLauncherSessionListenerAutoRegistration(false)
                                .enableTestExecutionListenerAutoRegistration(false)
                                .enablePostDiscoveryFilterAutoRegistration(false)
                                .enableLauncherDiscoveryListenerAutoRegistration(false)
                                .build());
        Collector collector = new Collector(listener);
        launcher.execute(request, collector);
        return new Report(collector.results);
    }

    private FilterResult filter(TestDescriptor d) {
        Optional<Method> m = method(d);
        if (m.isEmpty()) {
            return FilterResult.included("container");
        }
        String name = m.get().getDeclaringClass().getSimpleName() + "." + m.get().getName();
        return caseFilter.test(name)
                ? FilterResult.included("selected")
                : FilterResult.excluded("not selected: " + name);
    }

    private static Optional<Method> method(TestDescriptor d) {
        return d.getSource()
                .filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getJavaMethod());
    }

    /** Collects one result per test of the plan. */
    private static final class Collector implements TestExecutionListener {
        private final Listener listener;
        private final List<CaseResult> results = new ArrayList<>();
        private final Map<String, Long> startedAt = new ConcurrentHashMap<>();

        Collector(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            listener.planned(plan.countTestIdentifiers(TestIdentifier::isTest));
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                startedAt.put(id.getUniqueId(), System.nanoTime());
                String[] n = names(id);
                listener.started(n[0], n[1]);
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                record(id, Status.SKIPPED, Duration.ZERO, reason, null);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest()) {
                return;
            }
            Long start = startedAt.remove(id.getUniqueId());
            Duration took =
                    start == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
            Throwable t = result.getThrowable().orElse(null);
            Status s =
                    switch (result.getStatus()) {
                        case SUCCESSFUL -> Status.PASSED;
                        case ABORTED -> Status.SKIPPED;
                        case FAILED -> Status.FAILED;
                    };
            record(
                    id,
                    s,
                    took,
                    t == null ? "" : Objects.toString(t.getMessage(), t.getClass().getName()),
                    t);
        }

        private void record(
                TestIdentifier id, Status s, Duration took, String message, Throwable t) {
            String[] n = names(id);
            CaseResult r = new CaseResult(n[0], n[1], s, took, message == null ? "" : message, t);
            results.add(r);
            listener.finished(r);
        }

        private static String[] names(TestIdentifier id) {
            return id.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(
                            src -> {
                                MethodSource ms = (MethodSource) src;
                                Method m = ms.getJavaMethod();
                                return new String[] {
                                    m.getDeclaringClass().getSimpleName(), m.getName()
                                };
                            })
                    .orElse(new String[] {"", id.getDisplayName()});
        }
    }

    /**
     * The class the launcher runs: the suite, with its hook fed by the run in progress. Not for
     * test discovery (it lives in main scope, which build tools do not scan); run it through {@link
     * ConformanceRun}.
     */
    static final class Suite implements ConformanceSuite {
        private static ConformanceRun run() {
            ConformanceRun r = CURRENT.get();
            if (r == null) {
                throw new TestAbortedException(
                        "ConformanceRun.Suite runs only through ConformanceRun.run()");
            }
            return r;
        }

        @Override
        public StorageBackend openBackend() throws Exception {
            return run().opener.open();
        }

        @Override
        public String tableName(String suggested) {
            return run().tableName.apply(suggested);
        }

        @Override
        public boolean dropTablesAfterEachTest() {
            return run().dropTables;
        }
    }

    /** Settings of a run. */
    public static final class Builder {
        private final Opener opener;
        private UnaryOperator<String> tableName = UnaryOperator.identity();
        private boolean dropTables = true;
        private Predicate<String> caseFilter = name -> true;
        private Listener listener = new Listener() {};

        private Builder(Opener opener) {
            this.opener = Objects.requireNonNull(opener, "opener");
        }

        /**
         * Maps every table name the suite makes up (a prefix for the run, a backend's naming rule).
         */
        public Builder tableName(UnaryOperator<String> f) {
            this.tableName = Objects.requireNonNull(f);
            return this;
        }

        /** Whether tables are deleted after each case (default true). */
        public Builder dropTablesAfterEachTest(boolean drop) {
            this.dropTables = drop;
            return this;
        }

        /** Runs only the cases whose {@code Contract.test} name passes (default: all). */
        public Builder cases(Predicate<String> filter) {
            this.caseFilter = Objects.requireNonNull(filter);
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        public ConformanceRun build() {
            return new ConformanceRun(this);
        }
    }
}
