package dev.parley.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;

/** A signaling client: its socket and the welcome it got. */
record Peer(JsonSocket socket, JsonNode welcome) implements AutoCloseable {

    String peerId() {
        return welcome.path("peerId").asText();
    }

    String userId() {
        return welcome.path("userId").asText();
    }

    String sessionId() {
        return welcome.path("sessionId").asText();
    }

    String resumeToken() {
        return welcome.path("resumeToken").asText();
    }

    void send(String json) {
        socket.send(json);
    }

    JsonNode await(String t) throws InterruptedException {
        return socket.await(t);
    }

    JsonNode join(String room, String name) throws InterruptedException {
        socket.send("{\"t\":\"join\",\"room\":\"" + room + "\",\"meta\":{\"name\":\"" + name + "\"}}");
        return socket.await(m -> "joined".equals(m.path("t").asText()) && room.equals(m.path("room").asText()),
                "joined " + room);
    }

    @Override
    public void close() {
        socket.close();
    }
}
