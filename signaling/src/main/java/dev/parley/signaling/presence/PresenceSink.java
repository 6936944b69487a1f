package dev.parley.signaling.presence;

import java.util.Map;

/**
 * What signaling tells the presence service about its sessions. The launcher adapts
 * {@code dev.parley.presence.PresenceService} to it; {@link #NONE} is for tests and
 * presence-less setups. Every call returns at once and never throws for a Redis outage.
 * Connection ids are signaling session ids (unique in the cluster).
 */
public interface PresenceSink {

    /** A session started (hello). */
    void connect(String userId, String sessionId);

    /** The session joined a room; {@code meta} is already limited to what presence accepts. */
    void joinRoom(String room, String userId, String sessionId, Map<String, String> meta);

    void leaveRoom(String room, String sessionId);

    /** The session truly ended (bye, close 1000, kick, resume grace expired) — not a mere socket drop. */
    void disconnect(String sessionId);

    /** The user chose a status: {@code away} or {@code online}. */
    void setStatus(String userId, boolean away);

    /** Does nothing. */
    PresenceSink NONE = new PresenceSink() {
        @Override public void connect(String userId, String sessionId) { }
        @Override public void joinRoom(String room, String userId, String sessionId, Map<String, String> meta) { }
        @Override public void leaveRoom(String room, String sessionId) { }
        @Override public void disconnect(String sessionId) { }
        @Override public void setStatus(String userId, boolean away) { }
    };
}
