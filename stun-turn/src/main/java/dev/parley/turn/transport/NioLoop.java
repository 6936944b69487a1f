package dev.parley.turn.transport;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that owns every TURN socket and all allocation state. Other threads hand it work
 * with {@link #execute}. An exception from one socket's handler is logged and that socket alone is
 * dropped; the loop carries on.
 */
public final class NioLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NioLoop.class);

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private final java.util.function.Consumer<SelectionKey> dispatcher = this::dispatch;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();

    /** A task due at {@code due} (System.nanoTime); loop-confined. */
    private record Timer(long due, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(due, o.due);
        }
    }

    public NioLoop(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean isRunning() {
        return running && thread.isAlive();
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop after {@code delayNanos}; call on the loop. Not cancellable: tasks re-check state. */
    void schedule(long delayNanos, Runnable task) {
        timers.add(new Timer(System.nanoTime() + delayNanos, task));
    }

    SelectionKey register(SelectableChannel ch, int ops, IoHandler handler) throws ClosedChannelException {
        return ch.register(selector, ops, handler);
    }

    private void run() {
        try {
            while (running) {
                // select(Consumer) skips the selected-key set, so a wake-up allocates nothing
                selector.select(dispatcher, selectTimeoutMillis());
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    runSafely(task);
                }
                if (!timers.isEmpty()) {
                    long now = System.nanoTime();
                    while (!timers.isEmpty() && timers.peek().due() - now <= 0) {
                        runSafely(timers.poll().task());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("TURN I/O loop stopped", e);
        } catch (Error e) {
            LOG.error("TURN I/O loop stopped", e);
            throw e;
        } finally {
            running = false;
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException e) {
                    LOG.debug("close", e);
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("close selector", e);
            }
            stopped.countDown();
        }
    }

    private long selectTimeoutMillis() {
        Timer next = timers.peek();
        if (next == null) {
            return 1000;
        }
        long ms = (next.due() - System.nanoTime() + 999_999) / 1_000_000;
        return Math.max(1, Math.min(1000, ms));
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("loop task failed", e);
        }
    }

    private void dispatch(SelectionKey key) {
        IoHandler h = (IoHandler) key.attachment();
        try {
            if (key.isValid()) {
                h.onReady(key, System.nanoTime());
            }
        } catch (CancelledKeyException e) {
            // closed while we were working on it
        } catch (IOException | RuntimeException e) {
            LOG.debug("socket handler failed, dropping that socket", e);
            safeFail(h, e);
        }
    }

    private static void safeFail(IoHandler h, Exception e) {
        try {
            h.onFailure(e);
        } catch (RuntimeException ex) {
            LOG.debug("onFailure", ex);
        }
    }

    /** Runs {@code last} on the loop, then stops it and closes every channel; waits up to 5 s. */
    public void shutdown(Runnable last) {
        if (!thread.isAlive()) {
            return;
        }
        execute(() -> {
            try {
                last.run();
            } finally {
                running = false;
            }
        });
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("TURN I/O loop did not stop in 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(() -> { });
    }
}
