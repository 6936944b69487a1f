package dev.parley.server.lifecycle;

import dev.parley.server.config.ConfigException;
import java.net.BindException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components in the order they were added (dependencies first) and stops them in reverse.
 *
 * <pre>{@code
 * Lifecycle life = new Lifecycle();
 * life.add(turn); life.add(presence); life.add(signaling); life.add(http);
 * life.start();                      // a BindException becomes a ConfigException naming the flag
 * life.shutdown(Duration.ofSeconds(10));   // drain in reverse order, then close in reverse order
 * }</pre>
 */
public final class Lifecycle {

    public enum Phase { NEW, STARTING, RUNNING, DRAINING, STOPPED }

    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Component> components = new ArrayList<>();
    private final List<Component> started = new ArrayList<>();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);

    public Lifecycle add(Component c) {
        if (phase.get() != Phase.NEW) {
            throw new IllegalStateException("add components before start()");
        }
        components.add(c);
        return this;
    }

    public Phase phase() {
        return phase.get();
    }

    /** Starts every component; on failure stops those already started and rethrows. */
    public void start() throws Exception {
        if (!phase.compareAndSet(Phase.NEW, Phase.STARTING)) {
            throw new IllegalStateException("already started");
        }
        for (Component c : components) {
            try {
                c.start();
                started.add(c);
                LOG.debug("started {}", c.name());
            } catch (Exception e) {
                closeStarted();
                phase.set(Phase.STOPPED);
                BindException bind = findBind(e);
                if (bind != null && c.bindFlag() != null) {
                    throw new ConfigException(c.bindFlag(), "cannot listen: address already in use (" + bind.getMessage() + ")");
                }
                throw e;
            }
        }
        phase.set(Phase.RUNNING);
    }

    private static BindException findBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException b) {
                return b;
            }
        }
        return null;
    }

    /**
     * Graceful stop: drains components in reverse start order within {@code budget} in total, then
     * closes them in reverse order. Safe to call more than once.
     */
    public void shutdown(Duration budget) {
        if (!phase.compareAndSet(Phase.RUNNING, Phase.DRAINING)) {
            if (phase.get() == Phase.STARTING || phase.get() == Phase.NEW) {
                closeStarted();
                phase.set(Phase.STOPPED);
            }
            return;
        }
        Instant deadline = Instant.now().plus(budget);
        for (int i = started.size() - 1; i >= 0; i--) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                LOG.warn("drain budget spent; stopping the rest without draining");
                break;
            }
            Component c = started.get(i);
            try {
                c.drain(left);
            } catch (RuntimeException e) {
                LOG.warn("draining {} failed: {}", c.name(), e.toString());
            }
        }
        closeStarted();
        phase.set(Phase.STOPPED);
    }

    /** Immediate stop without draining (second signal, or the drain timeout). */
    public void halt() {
        phase.set(Phase.DRAINING);
        closeStarted();
        phase.set(Phase.STOPPED);
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Component c = started.remove(i);
            try {
                c.close();
                LOG.debug("stopped {}", c.name());
            } catch (RuntimeException e) {
                LOG.warn("stopping {} failed: {}", c.name(), e.toString());
            }
        }
    }

    /** Every component's health, in start order, for {@code /readyz}. */
    public Map<String, Health> health() {
        Map<String, Health> out = new LinkedHashMap<>();
        Phase p = phase.get();
        for (Component c : components) {
            Health h;
            if (p == Phase.DRAINING || p == Phase.STOPPED) {
                h = Health.down("shutting down");
            } else if (p != Phase.RUNNING) {
                h = Health.down("starting");
            } else {
                try {
                    h = c.health();
                } catch (RuntimeException e) {
                    h = Health.down(e.toString());
                }
            }
            out.put(c.name(), h);
        }
        return out;
    }
}
