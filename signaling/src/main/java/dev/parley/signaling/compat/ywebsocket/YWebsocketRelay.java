package dev.parley.signaling.compat.ywebsocket;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.compat.ywebsocket.handler.FrameHandler;
import dev.parley.signaling.compat.ywebsocket.redis.RedisUpdateStore;
import dev.parley.signaling.compat.ywebsocket.room.RelayMetrics;
import dev.parley.signaling.compat.ywebsocket.room.RoomBus;
import dev.parley.signaling.compat.ywebsocket.room.RoomRegistry;
import dev.parley.signaling.compat.ywebsocket.room.UpdateStore;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The y-websocket relay at {@code /compat/y-websocket/{room}}: y-websocket's unmodified client
 * syncs a Yjs document and awareness through it. The server keeps each room's updates as opaque
 * blobs (no CRDT), so a late joiner gets the whole document.
 *
 * <pre>{@code
 * YWebsocketRelay relay = YWebsocketRelay.create(YWebsocketConfig.defaults(), meters, scheduler, tokens, origins);
 * JakartaWebSocketServletContainerInitializer.configure(context, (sc, container) -> relay.register(container));
 * relay.start();
 * ...
 * relay.close();
 * }</pre>
 */
public final class YWebsocketRelay implements AutoCloseable {

    private final YWebsocketConfig config;
    private final ScheduledExecutorService scheduler;
    private final TokenVerifier tokens;
    private final OriginPolicy origins;
    private final UpdateStore store;
    private final RoomBus bus;
    private final RelayMetrics metrics;
    private final RoomRegistry rooms;
    private final FrameHandler handler;
    private volatile boolean started;

    public YWebsocketRelay(YWebsocketConfig config, MeterRegistry meters, ScheduledExecutorService scheduler,
                           TokenVerifier tokens, OriginPolicy origins, UpdateStore store, RoomBus bus) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.origins = Objects.requireNonNull(origins, "origins");
        this.store = Objects.requireNonNull(store, "store");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.metrics = new RelayMetrics(meters);
        this.rooms = new RoomRegistry(config.roomLimits(), config.maxRooms(), config.idleRetention(), store,
                bus, scheduler, metrics);
        this.handler = new FrameHandler(metrics);
    }

    /**
     * A relay with what the config names: with {@code redisUri}, rooms persisted in Redis and shared
     * live with the other nodes through Redis pub/sub; otherwise memory only, one node.
     */
    public static YWebsocketRelay create(YWebsocketConfig config, MeterRegistry meters,
                                         ScheduledExecutorService scheduler, TokenVerifier tokens,
                                         OriginPolicy origins) {
        if (config.redisUri() == null) {
            return new YWebsocketRelay(config, meters, scheduler, tokens, origins, UpdateStore.NONE, RoomBus.NONE);
        }
        RedisUpdateStore redis = RedisUpdateStore.connect(config.redisUri(), config.redisKeyPrefix(), scheduler);
        return new YWebsocketRelay(config, meters, scheduler, tokens, origins, redis, redis);
    }

    /** Adds the endpoint to a Jakarta WebSocket container (call from the container initializer). */
    public void register(ServerContainer container) throws DeploymentException {
        container.addEndpoint(ServerEndpointConfig.Builder.create(YWebsocketEndpoint.class, config.path())
                .configurator(new YWebsocketHandshake(origins, tokens,
                        principal -> new YWebsocketEndpoint(principal, config, rooms, handler, metrics, scheduler)))
                .build());
    }

    public void start() {
        started = true;
    }

    public boolean isReady() {
        return started;
    }

    /** Rooms held by this node (for tests and admin). */
    public RoomRegistry rooms() {
        return rooms;
    }

    @Override
    public void close() {
        started = false;
        rooms.closeAll();
        store.close();
    }
}
