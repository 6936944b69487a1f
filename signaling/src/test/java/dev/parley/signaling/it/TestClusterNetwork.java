package dev.parley.signaling.it;

import dev.parley.presence.cluster.ClusterBus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Test-only stand-in for Redis pub/sub between several nodes in one JVM: every node's bus reports
 * itself distributed, publishes reach every subscriber of the topic on every node, and each
 * subscription's handler runs on its own single thread (never the publisher's), in publish order —
 * the ClusterBus contract RedisClusterBus keeps.
 */
final class TestClusterNetwork implements AutoCloseable {

    private record Sub(String topic, Consumer<byte[]> handler, ExecutorService thread) { }

    private final List<Sub> subs = new CopyOnWriteArrayList<>();

    ClusterBus node(String nodeId) {
        return new ClusterBus() {
            @Override
            public String nodeId() {
                return nodeId;
            }

            @Override
            public boolean isDistributed() {
                return true;
            }

            @Override
            public void publish(String topic, byte[] payload) {
                for (Sub s : subs) {
                    if (s.topic().equals(topic)) {
                        s.thread().execute(() -> s.handler().accept(payload));
                    }
                }
            }

            @Override
            public Subscription subscribe(String topic, Consumer<byte[]> handler) {
                Sub s = new Sub(topic, handler, Executors.newSingleThreadExecutor());
                subs.add(s);
                return () -> {
                    subs.remove(s);
                    s.thread().shutdown();
                };
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        subs.forEach(s -> s.thread().shutdownNow());
        subs.clear();
    }
}
