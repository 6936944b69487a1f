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
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.WebSocketMappings;

/**
 * Registers the signaling WebSocket endpoints on a servlet context, all behind the same Origin
 * allow-list (403 before the upgrade), with permessage-deflate (RFC 7692) negotiated when the
 * client offers it. {@code /v1/signal} and {@code /compat/y-webrtc}, which hold many connections and
 * fan out the most messages, are served on Jetty's core WebSocket API: each connection keeps only
 * its core session and the query parameters it needs, not a jakarta session with its upgrade
 * request. Other endpoints (PeerJS, and {@link #endpoint} for other modules) are jakarta endpoints;
 * both kinds share the context's one WebSocket upgrade filter and mappings.
 */
public final class WebSocketInstaller {

    /** A core endpoint: its path and how to make one for an accepted upgrade request. */
    private record CoreMapping(String path, Function<ServerUpgradeRequest, FrameHandler> factory) { }

    private final OriginPolicy origins;
    private final WriteCoalescer writers;
    private final List<ServerEndpointConfig> endpoints = new ArrayList<>();
    private final List<CoreMapping> cores = new ArrayList<>();

    /** {@code writers} flush every endpoint's outbound frames (see {@link WriteCoalescer}). */
    public WebSocketInstaller(OriginPolicy origins, WriteCoalescer writers) {
        this.origins = origins;
        this.writers = writers;
    }

    public WebSocketInstaller nativeEndpoint(String path, NativeHandler handler, SignalingConfig config,
                                             SignalingMetrics metrics, TokenVerifier tokens, MessageCodec codec) {
        cores.add(new CoreMapping(path, request ->
                new NativeEndpoint(handler, config, metrics, writers, tokens, codec, param(request, "access_token"))));
        return this;
    }

    public WebSocketInstaller yWebrtcEndpoint(String path, YWebrtcHub hub, SignalingConfig config,
                                              SignalingMetrics metrics, TokenVerifier tokens) {
        cores.add(new CoreMapping(path, request -> {
            String token = param(request, "access_token");
            return new YWebrtcEndpoint(hub, config, metrics, writers, tokens, token != null ? token : param(request, "token"));
        }));
        return this;
    }

    public WebSocketInstaller peerjsEndpoint(String path, PeerjsHub hub, PeerjsKeys keys, SignalingConfig config,
                                             SignalingMetrics metrics) {
        return endpoint(path, PeerjsEndpoint.class, () -> new PeerjsEndpoint(hub, keys, config, metrics, writers));
    }

    public <T extends Endpoint> WebSocketInstaller endpoint(String path, Class<T> type, Supplier<T> factory) {
        endpoints.add(ServerEndpointConfig.Builder.create(type, path)
                .configurator(new Handshake(origins, factory::get))
                .build());
        return this;
    }

    /**
     * Calls JakartaWebSocketServletContainerInitializer.configure once with every jakarta endpoint,
     * and adds the core endpoints to the same context's WebSocket mappings.
     */
    public void install(ServletContextHandler context) {
        List<ServerEndpointConfig> all = List.copyOf(endpoints);
        List<CoreMapping> core = List.copyOf(cores);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            register(container, all);
            WebSocketMappings mappings = WebSocketMappings.ensureMappings(context);
            for (CoreMapping m : core) {
                mappings.addMapping(WebSocketMappings.parsePathSpec(m.path()), (request, response, callback) -> {
                    if (!origins.allows(request.getHeaders().get(HttpHeader.ORIGIN), request.getHeaders().get(HttpHeader.HOST))) {
                        Response.writeError(request, response, callback, 403, "Origin not allowed");
                        return null;
                    }
                    return m.factory().apply(request);
                }, (endpoint, request, response) -> (FrameHandler) endpoint, configuration -> { });
            }
        });
    }

    /** The first value of a query parameter of the upgrade request, or null. */
    private static String param(Request request, String name) {
        Fields query = Request.extractQueryParameters(request);
        return query.getValue(name);
    }

    private static void register(ServerContainer container, List<ServerEndpointConfig> all) throws DeploymentException {
        for (ServerEndpointConfig c : all) {
            container.addEndpoint(c);
        }
    }
}
