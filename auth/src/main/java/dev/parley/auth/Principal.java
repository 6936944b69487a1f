package dev.parley.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who is on the other end of a connection, as a verified token says.
 *
 * @param userId    the token's subject; in dev mode a random anonymous id
 * @param rooms     rooms the token allows; {@code ["*"]} allows every room
 * @param readOnly  may read and watch but not write (documents, presence status)
 * @param admin     may use {@code /admin/...}
 * @param expiresAt when the token stops being valid; {@link Instant#MAX} for dev mode
 * @param anonymous true in dev mode, when no auth secret is configured
 */
public record Principal(String userId, List<String> rooms, boolean readOnly, boolean admin,
                        Instant expiresAt, boolean anonymous) {

    public static final String ANY_ROOM = "*";

    public Principal {
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new IllegalArgumentException("userId is blank");
        }
        rooms = List.copyOf(rooms);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A dev-mode principal: every room, no admin rights. */
    public static Principal anonymous(String userId) {
        return new Principal(userId, List.of(ANY_ROOM), false, false, Instant.MAX, true);
    }

    public boolean mayJoin(String room) {
        return rooms.contains(ANY_ROOM) || rooms.contains(room);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
