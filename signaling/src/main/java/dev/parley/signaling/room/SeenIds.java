package dev.parley.signaling.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of the last cluster messages a session was given (bounded, oldest forgotten first). When
 * a session moves between nodes, both nodes receive the messages published during the hand-over;
 * the new node drops those whose id it finds here. Not thread-safe: guarded by the session's lock.
 */
final class SeenIds {

    private final int capacity;
    private final ArrayDeque<String> order = new ArrayDeque<>();
    private final Set<String> ids = new HashSet<>();

    SeenIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records {@code id}; false if it was already there (a duplicate). */
    boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        order.addLast(id);
        if (order.size() > capacity) {
            ids.remove(order.removeFirst());
        }
        return true;
    }

    boolean contains(String id) {
        return ids.contains(id);
    }

    /** Oldest first, as handed to another node. */
    List<String> toList() {
        return new ArrayList<>(order);
    }

    int size() {
        return order.size();
    }
}
