package dev.parley.presence.store;

import dev.parley.presence.model.PresenceEvent;
import java.util.List;

/**
 * The events after a requested position. {@code recoverable} is false when the epoch changed or
 * the bounded log no longer holds the next event; then the caller sends a snapshot instead.
 */
public record History(boolean recoverable, List<PresenceEvent> events) {

    public static final History LOST = new History(false, List.of());

    public History {
        events = List.copyOf(events);
    }
}
