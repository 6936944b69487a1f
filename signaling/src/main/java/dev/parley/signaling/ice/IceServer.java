package dev.parley.signaling.ice;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One entry of {@code RTCConfiguration.iceServers} (W3C WebRTC §4.2.1), as browsers take it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceServer(List<String> urls, String username, String credential) {

    public IceServer {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("an ICE server needs at least one URL");
        }
    }

    public static IceServer stun(List<String> urls) {
        return new IceServer(urls, null, null);
    }
}
