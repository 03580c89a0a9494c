package io.chunkstore.conformance;

import io.chunkstore.spi.Capabilities;
import io.chunkstore.spi.Capabilities.Feature;
import io.chunkstore.spi.StorageBackend;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Runs the contracts against the backend a {@link BackendContract} opens: opens it once per test
 * class and closes it after, skips (aborts) tests whose {@link RequiresFeature} the backend lacks,
 * hands each test a fresh {@link TestScope}, and drops the tables a test created when it ends.
 * Registered by {@link BackendContract}; backends never use it directly.
 */
public final class ConformanceExtension
        implements BeforeEachCallback,
                AfterEachCallback,
                ParameterResolver,
                TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(ConformanceExtension.class);

    /**
     * The backend of one test class, or why it could not be opened; closed with the class's store.
     */
    private static final class OpenedBackend implements AutoCloseable {
        final StorageBackend backend;
        final Throwable failure;

        OpenedBackend(StorageBackend backend, Throwable failure) {
            this.backend = backend;
            this.failure = failure;
        }

        static OpenedBackend open(BackendContract hook) {
            try {
                StorageBackend b = hook.openBackend();
                if (b == null) {
                    return new OpenedBackend(
                            null,
                            new IllegalStateException(
                                    hook.getClass().getName() + ".openBackend() returned null"));
                }
                return new OpenedBackend(b, null);
            } catch (Throwable t) {
                return new OpenedBackend(null, t);
            }
        }

        StorageBackend get() {
            if (failure instanceof TestAbortedException a) {
                throw a;
            }
            if (failure != null) {
                throw new IllegalStateException(
                        "openBackend() failed; every test of this class fails with it", failure);
            }
            return backend;
        }

        @Override
        public void close() {
            if (backend != null) {
                backend.close();
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        BackendContract hook = (BackendContract) context.getRequiredTestInstance();
        ExtensionContext classContext = classContext(context);
        OpenedBackend opened =
                classContext
                        .getStore(NS)
                        .getOrComputeIfAbsent(
                                hook, h -> OpenedBackend.open(hook), OpenedBackend.class);
        StorageBackend backend = opened.get();
        Capabilities caps = backend.capabilities();
        Set<Feature> needed =
                requiredFeatures(context.getRequiredTestClass(), context.getRequiredTestMethod());
        Set<Feature> missing = needed.isEmpty() ? Set.of() : EnumSet.copyOf(needed);
        missing.removeIf(caps::has);
        if (!missing.isEmpty()) {
            throw new TestAbortedException(
                    "skipped: backend '"
                            + backend.storeName()
                            + "' does not declare the capabilities "
                            + missing
                            + " that "
                            + context.getRequiredTestMethod().getName()
                            + " needs");
        }
        TestScope scope = new TestScope(hook, backend, context.getRequiredTestMethod().getName());
        context.getStore(NS).put(TestScope.class, scope);
        context.publishReportEntry("conformance.seed", Long.toString(scope.seed()));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestScope scope = context.getStore(NS).remove(TestScope.class, TestScope.class);
        if (scope != null) {
            scope.cleanUp();
        }
    }

    @Override
    public boolean supportsParameter(
            ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestScope.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        TestScope scope = context.getStore(NS).get(TestScope.class, TestScope.class);
        if (scope == null) {
            throw new ParameterResolutionException(
                    "no TestScope: the conformance extension did not run before "
                            + context.getDisplayName());
        }
        return scope;
    }

    /** Adds the seed to a failure, so a randomised test can be repeated exactly. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        TestScope scope = context.getStore(NS).get(TestScope.class, TestScope.class);
        if (scope != null && !(throwable instanceof TestAbortedException)) {
            throwable.addSuppressed(new SeedNote(scope));
        }
        throw throwable;
    }

    /** Not an error: tells the reader how to repeat a failed randomised test. */
    private static final class SeedNote extends Exception {
        private static final long serialVersionUID = 1L;

        SeedNote(TestScope scope) {
            super(
                    "conformance seed "
                            + scope.seed()
                            + " (backend '"
                            + scope.storeName()
                            + "'); repeat with -D"
                            + TestScope.SEED_PROPERTY
                            + "="
                            + scope.seed(),
                    null,
                    false,
                    false);
        }
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /**
     * The features named on the test method and on the contract interface(s) declaring it (also
     * when a backend's test class overrides the method).
     */
    static Set<Feature> requiredFeatures(Class<?> testClass, Method method) {
        Set<Feature> out = EnumSet.noneOf(Feature.class);
        List<Class<?>> declaring = new ArrayList<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        todo.add(testClass);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (declares(c, method)) {
                declaring.add(c);
            }
            if (c.getSuperclass() != null) {
                todo.add(c.getSuperclass());
            }
            todo.addAll(List.of(c.getInterfaces()));
        }
        for (Class<?> c : declaring) {
            // Directly present only: a test class implements every contract, whose requirements
            // must not mix.
            RequiresFeature onType = c.getAnnotation(RequiresFeature.class);
            if (onType != null) {
                out.addAll(List.of(onType.value()));
            }
            try {
                RequiresFeature onMethod =
                        c.getDeclaredMethod(method.getName(), method.getParameterTypes())
                                .getAnnotation(RequiresFeature.class);
                if (onMethod != null) {
                    out.addAll(List.of(onMethod.value()));
                }
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static boolean declares(Class<?> c, Method method) {
        try {
            c.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
