package dev.parley.signaling.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Meters of the signaling module: {@code parley.signaling.connections{endpoint}},
 * {@code parley.signaling.rooms}, {@code parley.signaling.sessions},
 * {@code parley.signaling.messages.in/out{type}}, {@code parley.signaling.errors{code}},
 * {@code parley.signaling.resumes{outcome}}. Also the node's connection budget.
 */
public final class SignalingMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> in = new ConcurrentHashMap<>();
    private final Map<String, Counter> out = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final AtomicInteger totalConnections = new AtomicInteger();
    private final Counter resumeOk;
    private final Counter resumeFailed;

    public SignalingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.resumeOk = Counter.builder("parley.signaling.resumes").tag("outcome", "succeeded").register(registry);
        this.resumeFailed = Counter.builder("parley.signaling.resumes").tag("outcome", "failed").register(registry);
    }

    public void gauge(String name, Supplier<Number> value) {
        Gauge.builder("parley.signaling." + name, value).register(registry);
    }

    public void in(String type) {
        in.computeIfAbsent(type, t -> Counter.builder("parley.signaling.messages.in").tag("type", t).register(registry))
                .increment();
    }

    public void out(String type) {
        out.computeIfAbsent(type, t -> Counter.builder("parley.signaling.messages.out").tag("type", t).register(registry))
                .increment();
    }

    public void error(String code) {
        errors.computeIfAbsent(code, c -> Counter.builder("parley.signaling.errors").tag("code", c).register(registry))
                .increment();
    }

    public void resume(boolean succeeded) {
        (succeeded ? resumeOk : resumeFailed).increment();
    }

    /** Takes a connection slot; false (and nothing taken) when the node is at {@code max}. */
    public boolean tryOpen(String endpoint, int max) {
        while (true) {
            int n = totalConnections.get();
            if (n >= max) {
                return false;
            }
            if (totalConnections.compareAndSet(n, n + 1)) {
                counter(endpoint).incrementAndGet();
                return true;
            }
        }
    }

    public void closed(String endpoint) {
        totalConnections.decrementAndGet();
        counter(endpoint).decrementAndGet();
    }

    public int connections() {
        return totalConnections.get();
    }

    private AtomicInteger counter(String endpoint) {
        return connections.computeIfAbsent(endpoint, e -> {
            AtomicInteger a = new AtomicInteger();
            Gauge.builder("parley.signaling.connections", a, AtomicInteger::get).tag("endpoint", e).register(registry);
            return a;
        });
    }
}
