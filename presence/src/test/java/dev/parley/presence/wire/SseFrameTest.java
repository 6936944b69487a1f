package dev.parley.presence.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.Member;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SseFrameTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void eventsAreOneFrameWithIdEventAndJsonData() {
        EventId id = new EventId("ep", 7);
        assertEquals("id: ep:7\nevent: join\ndata: {\"room\":\"r\",\"user\":\"ann\",\"meta\":{\"name\":\"A\\nB\"}}\n\n",
                s(SseFrame.event(new PresenceEvent.Join(id, "r", "ann", Map.of("name", "A\nB")))));
        assertEquals("id: ep:7\nevent: leave\ndata: {\"room\":\"r\",\"user\":\"ann\"}\n\n",
                s(SseFrame.event(new PresenceEvent.Leave(id, "r", "ann"))));
        assertEquals("id: ep:7\nevent: status\ndata: {\"user\":\"ann\",\"status\":\"away\",\"lastSeen\":5}\n\n",
                s(SseFrame.event(new PresenceEvent.Status(id, null, "ann", UserStatus.AWAY, 5))));
    }

    @Test
    void snapshotsListMembersAndSayWhetherTheyAreFresh() {
        PresenceEvent.Snapshot snap = new PresenceEvent.Snapshot(new EventId("ep", 3), Channel.room("r"),
                List.of(new Member("ann", 2, Map.of(), UserStatus.ONLINE, 9)), List.of(), true);
        assertEquals("id: ep:3\nevent: snapshot\ndata: {\"room\":\"r\",\"members\":[{\"user\":\"ann\",\"connections\":2,"
                + "\"meta\":{},\"status\":\"online\",\"lastSeen\":9}],\"fresh\":true}\n\n", s(SseFrame.event(snap)));
    }

    @Test
    void retryAndComments() {
        assertEquals("retry: 2000\n\n", s(SseFrame.retry(2000)));
        assertEquals(": keep-alive\n\n", s(SseFrame.comment("keep-alive")));
    }
}
