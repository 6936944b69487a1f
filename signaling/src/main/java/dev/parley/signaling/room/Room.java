package dev.parley.signaling.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named room and its members in join order. Everything that fans out to the room (join and leave
 * events, relays) runs under {@link #lock()}, so every member sees the room's events in one order.
 */
public final class Room {

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean closed;

    Room(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Members, guarded by {@link #lock()}. */
    Map<String, Member> members() {
        return members;
    }

    /** True once the room emptied and left the registry; a joiner must look it up again. */
    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** A copy of the members, for admin listings. */
    public List<Member> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(members.values());
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }
}
