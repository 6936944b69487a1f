package dev.parley.presence.store;

import dev.parley.presence.model.PresenceEvent;

/**
 * Receives a store's live events. Called on the store's I/O thread (Netty for Redis) or under
 * the in-memory store's lock: implementations only hand the work off, in order, and return.
 */
public interface StoreListener {

    /** An event of a channel this node subscribed to, in log order per channel (gaps possible). */
    void onEvent(PresenceEvent event);

    /** The store's connection came back after an outage: live events may have been missed. */
    void onReconnected();

    /** The store's connection was lost (Redis down); the caller reports degraded health. */
    default void onDisconnected() {
    }
}
