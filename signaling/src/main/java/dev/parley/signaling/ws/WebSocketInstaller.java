package dev.parley.signaling.ws;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.compat.peerjs.PeerjsHub;
import dev.parley.signaling.compat.peerjs.PeerjsKeys;
import dev.parley.signaling.compat.ywebrtc.YWebrtcHub;
import dev.parley.signaling.handler.NativeHandler;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.protocol.MessageCodec;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;

/**
 * Registers the signaling WebSocket endpoints on a servlet context, all behind the same
 * {@link Handshake} checks, with permessage-deflate (RFC 7692) negotiated when the client offers it.
 */
public final class WebSocketInstaller {

    private final OriginPolicy origins;
    private final List<ServerEndpointConfig> endpoints = new ArrayList<>();

    public WebSocketInstaller(OriginPolicy origins) {
        this.origins = origins;
    }

    public WebSocketInstaller nativeEndpoint(String path, NativeHandler handler, SignalingConfig config,
                                             SignalingMetrics metrics, TokenVerifier tokens, MessageCodec codec) {
        return endpoint(path, NativeEndpoint.class, () -> new NativeEndpoint(handler, config, metrics, tokens, codec));
    }

    public WebSocketInstaller yWebrtcEndpoint(String path, YWebrtcHub hub, SignalingConfig config,
                                              SignalingMetrics metrics, TokenVerifier tokens) {
        return endpoint(path, YWebrtcEndpoint.class, () -> new YWebrtcEndpoint(hub, config, metrics, tokens));
    }

    public WebSocketInstaller peerjsEndpoint(String path, PeerjsHub hub, PeerjsKeys keys, SignalingConfig config,
                                             SignalingMetrics metrics) {
        return endpoint(path, PeerjsEndpoint.class, () -> new PeerjsEndpoint(hub, keys, config, metrics));
    }

    public <T extends Endpoint> WebSocketInstaller endpoint(String path, Class<T> type, Supplier<T> factory) {
        endpoints.add(ServerEndpointConfig.Builder.create(type, path)
                .configurator(new Handshake(origins, factory::get))
                .build());
        return this;
    }

    /** Calls JakartaWebSocketServletContainerInitializer.configure once with every endpoint. */
    public void install(ServletContextHandler context) {
        List<ServerEndpointConfig> all = List.copyOf(endpoints);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> register(container, all));
    }

    private static void register(ServerContainer container, List<ServerEndpointConfig> all) throws DeploymentException {
        for (ServerEndpointConfig c : all) {
            container.addEndpoint(c);
        }
    }
}
