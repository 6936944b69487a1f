package dev.parley.presence.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The single-node bus: publish calls the local subscribers directly, on the publisher's thread. */
public final class LocalClusterBus implements ClusterBus {

    private final String nodeId;
    private final Map<String, List<Consumer<byte[]>>> topics = new ConcurrentHashMap<>();

    public LocalClusterBus(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean isDistributed() {
        return false;
    }

    @Override
    public void publish(String topic, byte[] payload) {
        List<Consumer<byte[]>> handlers = topics.get(topic);
        if (handlers != null) {
            for (Consumer<byte[]> h : handlers) {
                h.accept(payload);
            }
        }
    }

    @Override
    public Subscription subscribe(String topic, Consumer<byte[]> handler) {
        topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(handler);
        return () -> topics.computeIfPresent(topic, (t, list) -> {
            list.remove(handler);
            return list.isEmpty() ? null : list;
        });
    }


    @Override
    public void close() {
        topics.clear();
    }
}
