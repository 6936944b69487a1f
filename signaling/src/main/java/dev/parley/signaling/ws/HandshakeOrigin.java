package dev.parley.signaling.ws;

import dev.parley.auth.OriginPolicy;
import jakarta.websocket.server.HandshakeRequest;
import java.util.List;
import java.util.Map;

/**
 * The Origin check every signaling WebSocket upgrade makes (the native, y-webrtc and PeerJS
 * endpoints here, and the y-websocket relay in {@code compat.ywebsocket}): the allow-list judged
 * with the request's Host header for the same-origin rule. Jakarta's {@code checkOrigin} sees no
 * Host, so configurators call this from {@code modifyHandshake}.
 */
public final class HandshakeOrigin {

    private HandshakeOrigin() {
    }

    /** Whether the upgrade request's Origin (absent = allowed) passes {@code origins}. */
    public static boolean allowed(OriginPolicy origins, HandshakeRequest request) {
        Map<String, List<String>> headers = request.getHeaders();
        return origins.allows(header(headers, "Origin"), header(headers, "Host"));
    }

    /** The first value of a header, its name matched without regard to case, or null. */
    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
