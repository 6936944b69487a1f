package dev.parley.presence.fanout;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in submission order, on a shared executor (one per channel). */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        lock.lock();
        try {
            tasks.addLast(task);
            if (running) {
                return;
            }
            running = true;
        } finally {
            lock.unlock();
        }
        delegate.execute(this::drain);
    }

    private void drain() {
        for (int batch = 0; ; batch++) {
            Runnable next;
            lock.lock();
            try {
                next = tasks.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
                if (batch == 256) {          // let other channels run: resubmit instead of hogging a thread
                    tasks.addFirst(next);
                    delegate.execute(this::drain);
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                LOG.warn("presence fan-out task failed", e);
            }
        }
    }
}
