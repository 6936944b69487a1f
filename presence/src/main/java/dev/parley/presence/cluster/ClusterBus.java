package dev.parley.presence.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Topic-based fan-out between Parley nodes: the "second hop" of a message whose recipient is
 * connected to another node. {@link LocalClusterBus} is the single-node implementation; the Redis
 * one uses pub/sub. Delivery is at-most-once and ordered per topic per publisher; replay after a
 * gap is the caller's business (e.g. Redis Streams for presence, the resume buffer for signaling).
 *
 * <pre>{@code
 * ClusterBus bus = new LocalClusterBus("node-a", scheduler);
 * Subscription s = bus.subscribe("node:node-a", bytes -> handle(bytes));   // runs off the I/O thread
 * bus.publish("node:node-a", payload);
 * }</pre>
 */
public interface ClusterBus extends AutoCloseable {

    /** This node's name in the cluster. */
    String nodeId();

    /** True when messages reach other nodes (false for the in-memory bus). */
    boolean isDistributed();

    /**
     * False while messages published on other nodes may not reach this one (for the Redis bus: the
     * pub/sub connection is down, or back but its topics not yet re-subscribed). Always true in memory.
     */
    default boolean isConnected() {
        return true;
    }

    /** Sends {@code payload} to every subscriber of {@code topic} on every node, this one included. */
    void publish(String topic, byte[] payload);

    /**
     * Subscribes to a topic. The handler never runs on a network I/O thread and must not block
     * for long; handlers of one subscription are called one at a time, in publish order.
     */
    Subscription subscribe(String topic, Consumer<byte[]> handler);

    @Override
    void close();

    /** A live subscription; closing it unsubscribes. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();

        /**
         * Completes once messages published from now on are sure to reach this subscription (for
         * Redis: the SUBSCRIBE was confirmed). Already complete for an in-memory bus.
         */
        default CompletionStage<Void> ready() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
