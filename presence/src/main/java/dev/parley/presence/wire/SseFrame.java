package dev.parley.presence.wire;

import dev.parley.presence.model.PresenceEvent;
import java.nio.charset.StandardCharsets;

/** Server-Sent Events framing (WHATWG HTML §9.2): {@code id:}, {@code event:}, {@code data:}, comments. */
public final class SseFrame {

    private SseFrame() {
    }

    public static byte[] event(PresenceEvent e) {
        // JSON from Jackson never contains a raw newline, so one data: line is enough
        String s = "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + EventJson.toJson(e) + "\n\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] retry(long millis) {
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] comment(String text) {
        return (": " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
