package dev.parley.presence.wire;

import dev.parley.presence.model.PresenceEvent;
import java.nio.charset.StandardCharsets;

/** Server-Sent Events framing (WHATWG HTML §9.2): {@code id:}, {@code event:}, {@code data:}, comments. */
public final class SseFrame {

    private SseFrame() {
    }

    /** The last event encoded on this thread: a fan-out loop encodes each event once, not once per subscriber. */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

    /** {@link #event} memoized per thread by identity; frames are never mutated by callers. */
    public static byte[] eventShared(PresenceEvent e) {
        Object[] last = LAST.get();
        if (last[0] == e) {
            return (byte[]) last[1];
        }
        byte[] frame = event(e);
        last[0] = e;
        last[1] = frame;
        return frame;
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
