package dev.parley.presence.wire;

import dev.parley.presence.model.Member;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserPresence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of each event ({@code data:} of an SSE frame; also the GET query responses).
 *
 * <pre>
 * snapshot {"room":"R","members":[{"user":"u1","connections":2,"meta":{..},"status":"online","lastSeen":1700000000000}],"fresh":false}
 * snapshot {"users":[{"user":"u1","status":"away","connections":1,"lastSeen":1700000000000}],"fresh":true}
 * join     {"room":"R","user":"u1","meta":{"name":"Ann"}}
 * leave    {"room":"R","user":"u1"}
 * status   {"user":"u1","status":"away","lastSeen":1700000000000}          (+ "room" in a room stream)
 * </pre>
 */
public final class EventJson {

    private EventJson() {
    }

    public static Map<String, Object> toMap(PresenceEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e instanceof PresenceEvent.Join j) {
            m.put("room", j.room());
            m.put("user", j.userId());
            m.put("meta", j.meta());
        } else if (e instanceof PresenceEvent.Leave l) {
            m.put("room", l.room());
            m.put("user", l.userId());
        } else if (e instanceof PresenceEvent.Status s) {
            if (s.room() != null) {
                m.put("room", s.room());
            }
            m.put("user", s.userId());
            m.put("status", s.status().wire());
            m.put("lastSeen", s.lastSeen());
        } else if (e instanceof PresenceEvent.Snapshot s) {
            if (s.channel().room() != null) {
                m.put("room", s.channel().room());
                List<Object> members = new ArrayList<>();
                for (Member mb : s.members()) {
                    members.add(member(mb));
                }
                m.put("members", members);
            } else {
                List<Object> users = new ArrayList<>();
                for (UserPresence u : s.users()) {
                    users.add(user(u));
                }
                m.put("users", users);
            }
            m.put("fresh", s.fresh());
        } else {
            throw new IllegalArgumentException("unknown event " + e);
        }
        return m;
    }

    public static Map<String, Object> member(Member mb) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("user", mb.userId());
        o.put("connections", mb.connections());
        o.put("meta", mb.meta());
        o.put("status", mb.status().wire());
        o.put("lastSeen", mb.lastSeen());
        return o;
    }

    public static Map<String, Object> user(UserPresence u) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("user", u.userId());
        o.put("status", u.status().wire());
        o.put("connections", u.connections());
        o.put("lastSeen", u.lastSeen());
        return o;
    }

    public static String toJson(PresenceEvent e) {
        return Json.write(toMap(e));
    }
}
