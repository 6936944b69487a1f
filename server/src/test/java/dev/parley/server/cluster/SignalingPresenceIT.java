package dev.parley.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One node, no Redis: signaling sessions feed presence (join with meta, status, the end of a session). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalingPresenceIT {

    @Test
    void joinStatusAndByeReachTheRoomStream() throws Exception {
        try (InProcessNode n = new InProcessNode("--presence-grace", "300ms");
             SseReader sse = n.roomStream("team");
             Peer ann = n.connect()) {
            assertEquals(0, JsonSocket.JSON.readTree(sse.await("snapshot").data()).path("members").size());
            ann.join("team", "Ann");
            JsonNode join = JsonSocket.JSON.readTree(sse.await("join").data());
            assertEquals(ann.userId(), join.path("user").asText());
            assertEquals("Ann", join.path("meta").path("name").asText());

            ann.send("{\"t\":\"status\",\"status\":\"away\"}");
            JsonNode st = JsonSocket.JSON.readTree(sse.await("status").data());
            assertEquals("away", st.path("status").asText());

            ann.send("{\"t\":\"status\",\"status\":\"busy\"}");
            assertEquals("bad-field", ann.await("error").path("code").asText());

            ann.send("{\"t\":\"bye\"}");
            JsonNode leave = JsonSocket.JSON.readTree(sse.await("leave").data());
            assertEquals(ann.userId(), leave.path("user").asText());
        }
    }

    @Test
    void aDroppedSocketThatResumesDoesNotLeave() throws Exception {
        try (InProcessNode n = new InProcessNode("--presence-grace", "300ms");
             SseReader sse = n.roomStream("r2")) {
            sse.await("snapshot");
            Peer ann = n.connect();
            ann.join("r2", "Ann");
            sse.await("join");
            ann.socket().abort();
            // well past the presence grace: the session is only detached, so presence sees nothing
            SseReader.Event quiet = sse.events.poll(900, TimeUnit.MILLISECONDS);
            assertNull(quiet, "no presence event while the session waits for a resume");
            JsonSocket again = JsonSocket.open(n.ws());
            again.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + ann.sessionId() + "\",\"resumeToken\":\""
                    + ann.resumeToken() + "\",\"lastSeq\":1}}");
            assertEquals(true, again.await("welcome").path("resumed").asBoolean());
            again.send("{\"t\":\"status\",\"status\":\"away\"}");
            SseReader.Event next = sse.events.poll(10, TimeUnit.SECONDS);
            assertEquals("status", next == null ? null : next.event(), "no leave between join and status");
            again.close();
        }
    }
}
