package dev.parley.signaling.ws;

import dev.parley.auth.OriginPolicy;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpException;

/**
 * Handshake checks for every signaling WebSocket: the Origin allow-list (403 before the upgrade,
 * judged with the request's Host for the same-origin rule) and the query string
 * ({@code ?access_token=} and endpoint-specific parameters), handed to the endpoint through the
 * per-connection user properties. Creates one endpoint instance per connection.
 */
final class Handshake extends ServerEndpointConfig.Configurator {

    static final String QUERY = "parley.query";
    static final String REMOTE = "parley.remote";

    /** Jetty calls modifyHandshake then getEndpointInstance on the same thread for one upgrade. */
    private static final ThreadLocal<Boolean> REFUSED = new ThreadLocal<>();

    private final OriginPolicy origins;
    private final Supplier<Object> endpoints;

    Handshake(OriginPolicy origins, Supplier<Object> endpoints) {
        this.origins = origins;
        this.endpoints = endpoints;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true; // checked in modifyHandshake, where the Host header is known
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        String origin = first(request.getHeaders(), "Origin");
        String host = first(request.getHeaders(), "Host");
        REFUSED.set(!origins.allows(origin, host));
        sec.getUserProperties().put(QUERY, request.getParameterMap());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        Boolean refused = REFUSED.get();
        REFUSED.remove();
        if (Boolean.TRUE.equals(refused)) {
            throw new HttpException.RuntimeException(403, "Origin not allowed");
        }
        return (T) endpoints.get();
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** The first value of a query parameter from the handshake, or null. */
    @SuppressWarnings("unchecked")
    static String param(jakarta.websocket.EndpointConfig config, String name) {
        Object q = config.getUserProperties().get(QUERY);
        if (q instanceof Map<?, ?> m) {
            Object v = ((Map<String, List<String>>) m).get(name);
            if (v instanceof List<?> l && !l.isEmpty()) {
                return (String) l.get(0);
            }
        }
        return null;
    }
}
