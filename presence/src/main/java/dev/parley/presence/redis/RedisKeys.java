package dev.parley.presence.redis;

/**
 * Key names. Keys used together by one script share a hash tag: {@code {r:<room>}} per room,
 * {@code {u}} for user state and the user-status log, {@code {n}} for the node registry and
 * {@code {n:<node>}} per node's connection index, so the scripts also run on Redis Cluster.
 */
final class RedisKeys {

    static final String P = "parley:p:";

    private RedisKeys() {
    }

    // ---- room R
    static String room(String room, String what) {
        return P + "{r:" + room + "}:" + what;
    }

    static String roomChannel(String room) {
        return P + "ev:{r:" + room + "}";
    }

    static String[] roomKeys(String room) {
        return new String[] {room(room, "conn"), room(room, "cnt"), room(room, "meta"), room(room, "dl"),
                room(room, "log"), room(room, "seq")};
    }

    static final String PENDING_ROOMS = P + "pending-rooms";

    // ---- users
    static String user(String what) {
        return P + "{u}:" + what;
    }

    static String userRooms(String userId) {
        return P + "{u}:rooms:" + userId;
    }

    static final String USERS_CHANNEL = P + "ev:{u}";

    // ---- nodes
    static final String NODES = P + "{n}:nodes";
    static final String REAPING = P + "{n}:reaping";

    static String nodeConns(String node) {
        return P + "{n:" + node + "}:c";
    }

    static String nodeRooms(String node) {
        return P + "{n:" + node + "}:r";
    }
}
