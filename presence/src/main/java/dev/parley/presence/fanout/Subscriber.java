package dev.parley.presence.fanout;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One subscriber's position in its channel's log. Mutated only on the channel's serial executor.
 * While a replay or snapshot is being fetched ({@code syncing}) live events wait in {@code pending}.
 */
public final class Subscriber {

    static final int MAX_PENDING = 1024;

    final Channel channel;
    final Set<String> users;
    final EventSink sink;
    EventId position;
    boolean everPositioned;
    boolean syncing = true;   // every subscriber starts by replaying or taking a snapshot
    boolean closed;
    boolean pendingOverflow;
    final List<PresenceEvent> pending = new ArrayList<>();

    Subscriber(Channel channel, Set<String> users, EventId lastEventId, EventSink sink) {
        this.channel = channel;
        this.users = users == null ? Set.of() : Set.copyOf(users);
        this.sink = sink;
        this.position = lastEventId;
        this.everPositioned = lastEventId != null;
    }

    public Channel channel() {
        return channel;
    }

    boolean wants(PresenceEvent e) {
        if (channel.kind() == Channel.Kind.ROOM) {
            return true;
        }
        return e instanceof PresenceEvent.Status s && users.contains(s.userId());
    }
}
