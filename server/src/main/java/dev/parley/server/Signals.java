package dev.parley.server;

/**
 * SIGTERM/SIGINT handling. {@code sun.misc.Signal} (module jdk.unsupported, present on every JDK
 * from 17 on) lets a second signal be seen while the first one's graceful drain is still running,
 * which a shutdown hook cannot.
 */
final class Signals {

    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void onTermination(Runnable handler) {
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.run());
        }
    }
}
