package dev.parley.presence.fanout;

import dev.parley.presence.model.PresenceEvent;

/** Where one subscriber's events go (an SSE response). Calls come from one channel's serial executor. */
public interface EventSink {

    /** Queues an event for sending; false when the subscriber's bounded buffer is full (it is then dropped). */
    boolean offer(PresenceEvent event);

    /** Ends the subscription from the server side; the client reconnects with Last-Event-ID. */
    void close(String reason);
}
