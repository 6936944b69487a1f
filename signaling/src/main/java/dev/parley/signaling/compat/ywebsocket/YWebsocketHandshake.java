package dev.parley.signaling.compat.ywebsocket;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.ws.HandshakeOrigin;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpException;

/**
 * Checks before the upgrade: the Origin allow-list (403, judged with the Host header for the
 * same-origin rule) and the token from {@code ?access_token=} (401). Jetty calls
 * {@code modifyHandshake} and then {@code getEndpointInstance} on the same thread for one upgrade;
 * the verdict travels between them in a thread-local, and each connection gets its own endpoint
 * holding its {@link Principal}.
 */
final class YWebsocketHandshake extends ServerEndpointConfig.Configurator {

    private record Verdict(Principal principal, int status, String message) { }

    private static final ThreadLocal<Verdict> VERDICT = new ThreadLocal<>();

    private final OriginPolicy origins;
    private final TokenVerifier tokens;
    private final Function<Principal, Object> endpoints;

    YWebsocketHandshake(OriginPolicy origins, TokenVerifier tokens, Function<Principal, Object> endpoints) {
        this.origins = origins;
        this.tokens = tokens;
        this.endpoints = endpoints;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true; // judged in modifyHandshake, where the Host header is known
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        if (!HandshakeOrigin.allowed(origins, request)) {
            VERDICT.set(new Verdict(null, 403, "Origin not allowed"));
            return;
        }
        List<String> token = request.getParameterMap().get("access_token");
        try {
            VERDICT.set(new Verdict(tokens.verify(token == null || token.isEmpty() ? null : token.get(0)), 0, null));
        } catch (TokenException e) {
            VERDICT.set(new Verdict(null, 401, e.getMessage()));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        Verdict v = VERDICT.get();
        VERDICT.remove();
        if (v == null) {
            throw new HttpException.RuntimeException(500, "handshake not checked");
        }
        if (v.principal() == null) {
            throw new HttpException.RuntimeException(v.status(), v.message());
        }
        return (T) endpoints.apply(v.principal());
    }}
