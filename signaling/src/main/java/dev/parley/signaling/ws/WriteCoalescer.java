package dev.parley.signaling.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces WebSocket writes: an outlet queues its frames in Jetty's batch buffer and asks for a flush
 * here; a small fixed set of writer threads flushes each asked-for outlet once, writing everything
 * queued for it since its last flush in one gathered write. When writers keep up (light load), every
 * frame goes out on its own within one thread hand-off; when they fall behind (a busy fan-out), the
 * frames that arrive for a connection meanwhile share one system call instead of one each. No timer,
 * no deliberate delay: the batch is exactly what piled up while the writer was busy.
 *
 * <p>An outlet is in a writer's queue at most once (its own flag), so the queues are bounded by the
 * number of connections. After {@link #close()} a flush runs on the caller's thread.
 */
public final class WriteCoalescer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteCoalescer.class);

    /** Something with pending writes to push to the network. */
    interface Flushable {
        void flushNow();
    }

    private static final Flushable STOP = () -> { };

    private final List<LinkedBlockingQueue<Flushable>> queues = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    /** {@code threads} writer threads (at least 1), named {@code parley-ws-writer-N}; started by {@link #start()}. */
    public WriteCoalescer(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        for (int i = 0; i < threads; i++) {
            LinkedBlockingQueue<Flushable> q = new LinkedBlockingQueue<>();
            queues.add(q);
            Thread t = new Thread(() -> run(q), "parley-ws-writer-" + i);
            t.setDaemon(true);
            writers.add(t);
        }
    }

    /**
     * One writer per core: a write is mostly kernel time, which runs in parallel on every core. (With
     * one writer on 2 cores the y-webrtc fan-out at 138,000 deliveries/s kept up but with p99 208 ms,
     * against 14 ms with two; at 8,000/s the two settings cost the same.)
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public void start() {
        for (Thread t : writers) {
            t.start();
        }
    }

    /** The writer an outlet uses for its whole life (round robin, so connections spread evenly). */
    int assign() {
        return Math.floorMod(next.getAndIncrement(), queues.size());
    }

    /** Asks writer {@code writer} to flush {@code f}; the caller guarantees at most one pending request per outlet. */
    void request(int writer, Flushable f) {
        if (closed) {
            f.flushNow();
            return;
        }
        LinkedBlockingQueue<Flushable> q = queues.get(writer);
        q.add(f);
        if (closed) {
            // close() may have drained this queue before the add: do not strand the request
            drain(q);
        }
    }

    private void run(LinkedBlockingQueue<Flushable> queue) {
        while (true) {
            Flushable f;
            try {
                f = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (f == STOP) {
                return;
            }
            flush(f);
        }
    }

    private static void flush(Flushable f) {
        try {
            f.flushNow();
        } catch (RuntimeException e) {
            // one connection's failure must not stop the writer that serves the others
            LOG.debug("flush failed", e);
        }
    }

    /** Stops the writers after they flush what was requested; later requests flush on the caller's thread. */
    @Override
    public void close() {
        closed = true;
        for (LinkedBlockingQueue<Flushable> q : queues) {
            q.add(STOP);
        }
        for (Thread t : writers) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // a request that raced with close may sit behind STOP: flush it here
        for (LinkedBlockingQueue<Flushable> q : queues) {
            drain(q);
        }
    }

    private static void drain(LinkedBlockingQueue<Flushable> q) {
        for (Flushable f; (f = q.poll()) != null; ) {
            if (f != STOP) {
                flush(f);
            }
        }
    }
}
