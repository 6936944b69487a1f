package dev.parley.presence.model;

import java.util.Objects;

/**
 * Position in one channel's event log: {@code epoch} names the log's incarnation (a new epoch
 * means history was lost, e.g. Redis restarted empty), {@code offset} counts events in it from 1.
 * Wire form (SSE {@code id:}): {@code epoch:offset}.
 */
public record EventId(String epoch, long offset) {

    public EventId {
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isEmpty() || epoch.indexOf(':') >= 0 || epoch.length() > 64) {
            throw new IllegalArgumentException("bad epoch");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0");
        }
    }

    /** Parses {@code epoch:offset}; returns null for anything malformed (a client's bad Last-Event-ID costs a snapshot). */
    public static EventId parseOrNull(String s) {
        if (s == null || s.length() > 100) {
            return null;
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new EventId(s.substring(0, colon), Long.parseLong(s.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public EventId next() {
        return new EventId(epoch, offset + 1);
    }

    @Override
    public String toString() {
        return epoch + ":" + offset;
    }
}
