package dev.parley.signaling.compat.ywebrtc;

import java.nio.charset.StandardCharsets;

/**
 * What nodes tell each other on a y-webrtc topic's bus channel ({@code parley.ywebrtc.<topic>}).
 * Text, fields separated by U+001F (never valid unescaped inside JSON, never in a node id we make):
 * <ul>
 *   <li>{@code P␟node␟json}: a client on {@code node} published {@code json} (the y-webrtc message as
 *       received; each delivering node sets {@code clients} itself);</li>
 *   <li>{@code C␟node␟count␟ask}: {@code node} now has {@code count} local subscribers of the topic;
 *       {@code ask} = 1 asks every other node holding the topic to announce its own count.</li>
 * </ul>
 */
sealed interface TopicBusMessage {

    char SEP = '\u001f';

    String origin();

    record Publish(String origin, String json) implements TopicBusMessage { }

    record Count(String origin, int count, boolean ask) implements TopicBusMessage { }

    static byte[] encode(TopicBusMessage m) {
        String text = m instanceof Publish p
                ? "P" + SEP + p.origin() + SEP + p.json()
                : "C" + SEP + m.origin() + SEP + ((Count) m).count() + SEP + (((Count) m).ask() ? '1' : '0');
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a bus payload of at most {@code maxBytes}; null for anything malformed or larger. */
    static TopicBusMessage decode(byte[] payload, int maxBytes) {
        if (payload == null || payload.length < 3 || payload.length > maxBytes || payload[1] != SEP) {
            return null;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        int end = text.indexOf(SEP, 2);
        if (end < 3) {
            return null;
        }
        String origin = text.substring(2, end);
        return switch (text.charAt(0)) {
            case 'P' -> new Publish(origin, text.substring(end + 1));
            case 'C' -> {
                int ask = text.indexOf(SEP, end + 1);
                if (ask < 0 || ask != text.length() - 2) {
                    yield null;
                }
                try {
                    int n = Integer.parseInt(text, end + 1, ask, 10);
                    yield n < 0 ? null : new Count(origin, n, text.charAt(ask + 1) == '1');
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            default -> null;
        };
    }
}
