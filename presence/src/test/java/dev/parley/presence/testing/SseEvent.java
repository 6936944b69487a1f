package dev.parley.presence.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.presence.wire.Json;

/** One parsed SSE frame: an event (id, name, JSON data), a {@code retry:} or a comment. */
public record SseEvent(String id, String event, String data, String comment, Long retry) {

    public JsonNode json() {
        try {
            return Json.MAPPER.readTree(data);
        } catch (Exception e) {
            throw new IllegalStateException("bad JSON: " + data, e);
        }
    }

    public boolean isEvent() {
        return event != null || data != null;
    }

    public String user() {
        return json().path("user").asText();
    }

    @Override
    public String toString() {
        return comment != null ? ":" + comment : retry != null ? "retry " + retry : event + "#" + id + " " + data;
    }
}
