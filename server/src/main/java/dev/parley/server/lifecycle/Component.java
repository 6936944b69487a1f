package dev.parley.server.lifecycle;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Something the launcher starts and stops: the TURN relay, presence, signaling, the HTTP server.
 * Modules do not implement this (they have no dependency on the server module); the launcher adapts
 * each module's service with {@link #of}.
 */
public interface Component extends AutoCloseable {

    String name();

    /** The flag whose port this component binds, for a clear message when it is in use; or null. */
    default String bindFlag() {
        return null;
    }

    void start() throws Exception;

    Health health();

    /**
     * Graceful shutdown, first phase: stop taking new work, ask connected clients to move elsewhere,
     * and return once they have (or {@code budget} is spent). Default: nothing to drain.
     */
    default void drain(Duration budget) {
    }

    @Override
    void close();

    /** Adapts a module service to a component. */
    static Component of(String name, String bindFlag, ThrowingRunnable start, Supplier<Health> health,
                        DrainAction drain, Runnable close) {
        return new Component() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String bindFlag() {
                return bindFlag;
            }

            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public Health health() {
                return health.get();
            }

            @Override
            public void drain(Duration budget) {
                if (drain != null) {
                    drain.drain(budget);
                }
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface DrainAction {
        void drain(Duration budget);
    }
}
