package dev.parley.presence.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.presence.testing.SseClient;
import dev.parley.presence.testing.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** A browser's view of a room, built only from the SSE stream: snapshot resets it, join/leave edit it. */
final class RoomView {

    final Set<String> members = new TreeSet<>();
    final List<SseEvent> seen = new ArrayList<>();
    int freshSnapshots;

    void apply(SseEvent e) {
        seen.add(e);
        JsonNode j = e.json();
        switch (e.event()) {
            case "snapshot" -> {
                members.clear();
                j.get("members").forEach(m -> members.add(m.get("user").asText()));
                if (j.get("fresh").asBoolean()) {
                    freshSnapshots++;
                }
            }
            case "join" -> members.add(j.get("user").asText());
            case "leave" -> members.remove(j.get("user").asText());
            default -> { }
        }
    }

    /** Applies events until the member set equals {@code expected}; fails after {@code seconds}. */
    void awaitMembers(SseClient sse, Set<String> expected, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!members.equals(new TreeSet<>(expected))) {
            long left = deadline - System.nanoTime();
            SseEvent e = sse.frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("room view " + members + " never became " + new TreeSet<>(expected) + "; saw " + seen);
            }
            if (e.isEvent()) {
                apply(e);
            }
        }
    }
}
