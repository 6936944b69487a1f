package dev.parley.presence.memory;

import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.store.History;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One channel's bounded event log; not thread-safe (the store's lock guards it). */
final class ChannelLog {

    private final String epoch;
    private final int bound;
    private final ArrayDeque<PresenceEvent> events = new ArrayDeque<>();
    private long offset;

    ChannelLog(int bound) {
        this.epoch = java.util.UUID.randomUUID().toString().substring(0, 8);
        this.bound = bound;
    }

    EventId position() {
        return new EventId(epoch, offset);
    }

    EventId nextId() {
        return new EventId(epoch, offset + 1);
    }

    void append(PresenceEvent e) {
        offset = e.id().offset();
        events.addLast(e);
        while (events.size() > bound) {
            events.removeFirst();
        }
    }

    History after(EventId after) {
        if (!epoch.equals(after.epoch()) || after.offset() > offset) {
            return History.LOST;
        }
        if (after.offset() == offset) {
            return new History(true, List.of());
        }
        PresenceEvent first = events.peekFirst();
        if (first == null || first.id().offset() > after.offset() + 1) {
            return History.LOST;
        }
        List<PresenceEvent> out = new ArrayList<>();
        for (PresenceEvent e : events) {
            if (e.id().offset() > after.offset()) {
                out.add(e);
            }
        }
        return new History(true, out);
    }
}
