package dev.parley.server;

import dev.parley.presence.PresenceService;
import dev.parley.presence.model.UserStatus;
import dev.parley.signaling.presence.PresenceSink;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds signaling's sessions into {@link PresenceService}; failures (bad input) are logged, never thrown. */
final class PresenceAdapter implements PresenceSink {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceAdapter.class);

    private final PresenceService presence;

    PresenceAdapter(PresenceService presence) {
        this.presence = presence;
    }

    @Override
    public void connect(String userId, String sessionId) {
        run("connect", () -> presence.connect(userId, sessionId));
    }

    @Override
    public void joinRoom(String room, String userId, String sessionId, Map<String, String> meta) {
        run("joinRoom", () -> presence.joinRoom(room, userId, sessionId, meta));
    }

    @Override
    public void leaveRoom(String room, String sessionId) {
        run("leaveRoom", () -> presence.leaveRoom(room, sessionId));
    }

    @Override
    public void disconnect(String sessionId) {
        run("disconnect", () -> presence.disconnect(sessionId));
    }

    @Override
    public void setStatus(String userId, boolean away) {
        run("setStatus", () -> presence.setStatus(userId, away ? UserStatus.AWAY : UserStatus.ONLINE));
    }

    private static void run(String what, java.util.function.Supplier<CompletionStage<Void>> call) {
        try {
            call.get().whenComplete((v, e) -> {
                if (e != null && !(e instanceof IllegalArgumentException)
                        && !(e.getCause() instanceof IllegalArgumentException)) {
                    LOG.debug("presence {} failed: {}", what, e.toString());
                }
            });
        } catch (IllegalArgumentException e) {
            LOG.debug("presence {} refused: {}", what, e.getMessage());
        }
    }
}
