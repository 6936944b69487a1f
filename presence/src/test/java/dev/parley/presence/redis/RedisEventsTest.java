package dev.parley.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding what the Lua scripts publish and store (no Redis needed). */
class RedisEventsTest {

    @Test
    void decodesPubSubMessages() {
        assertEquals(new PresenceEvent.Join(new EventId("ep", 3), "r", "ann", Map.of("n", "A")),
                RedisEvents.decodeMessage(Channel.room("r"), "ep\n3\njoin\nann\n{\"n\":\"A\"}"));
        assertEquals(new PresenceEvent.Leave(new EventId("ep", 4), "r", "ann"),
                RedisEvents.decodeMessage(Channel.room("r"), "ep\n4\nleave\nann\n"));
        assertEquals(new PresenceEvent.Status(new EventId("ep", 5), null, "ann", UserStatus.AWAY, 77),
                RedisEvents.decodeMessage(Channel.USERS, "ep\n5\nstatus\nann\naway|77"));
    }

    @Test
    void decodesStreamEntries() {
        assertEquals(new PresenceEvent.Status(new EventId("ep", 9), "r", "bob", UserStatus.OFFLINE, 1),
                RedisEvents.decodeEntry(Channel.room("r"), "ep", List.of("0-9", List.of("t", "status", "u", "bob", "x", "offline|1"))));
    }

    @Test
    void rejectsMalformedMessages() {
        assertThrows(IllegalArgumentException.class, () -> RedisEvents.decodeMessage(Channel.room("r"), "ep\n3\njoin"));
        assertThrows(IllegalArgumentException.class, () -> RedisEvents.decodeMessage(Channel.room("r"), "ep\n3\nexplode\nu\n"));
        assertThrows(IllegalArgumentException.class, () -> RedisEvents.decodeMessage(Channel.room("r"), "ep\nx\njoin\nu\n{}"));
    }

    @Test
    void keysOfOneRoomShareAHashTag() {
        for (String k : RedisKeys.roomKeys("team{1}")) {
            assertEquals("r:team{1", k.substring(k.indexOf('{') + 1, k.indexOf('}')));
        }
    }
}
