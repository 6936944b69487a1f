package dev.parley.presence.redis;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.wire.Json;
import java.util.List;
import java.util.Map;

/**
 * Decodes events as the scripts write them: pub/sub messages {@code epoch\noffset\ntype\nuser\nextra}
 * and stream entries {@code 0-<offset> t <type> u <user> x <extra>}; extra is the meta JSON of a
 * join and {@code status|lastSeen} of a status.
 */
final class RedisEvents {

    private RedisEvents() {
    }

    static PresenceEvent decodeMessage(Channel channel, String message) {
        String[] p = message.split("\n", 5);
        if (p.length != 5) {
            throw new IllegalArgumentException("malformed presence message");
        }
        return decode(channel, new EventId(p[0], Long.parseLong(p[1])), p[2], p[3], p[4]);
    }

    /** @param entry [id, [field, value, ...]] as XRANGE returns it */
    static PresenceEvent decodeEntry(Channel channel, String epoch, List<?> entry) {
        String id = (String) entry.get(0);
        List<?> fields = (List<?>) entry.get(1);
        String t = null;
        String u = null;
        String x = "";
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String f = (String) fields.get(i);
            String v = (String) fields.get(i + 1);
            switch (f) {
                case "t" -> t = v;
                case "u" -> u = v;
                case "x" -> x = v;
                default -> { }
            }
        }
        long offset = Long.parseLong(id.substring(id.indexOf('-') + 1));
        return decode(channel, new EventId(epoch, offset), t, u, x);
    }

    private static PresenceEvent decode(Channel channel, EventId id, String type, String user, String extra) {
        String room = channel.room();
        return switch (type) {
            case "join" -> new PresenceEvent.Join(id, room, user, Json.decodeMeta(extra));
            case "leave" -> new PresenceEvent.Leave(id, room, user);
            case "status" -> {
                int bar = extra.indexOf('|');
                yield new PresenceEvent.Status(id, room, user, UserStatus.parse(extra.substring(0, bar)),
                        Long.parseLong(extra.substring(bar + 1)));
            }
            default -> throw new IllegalArgumentException("unknown event type " + type);
        };
    }

    static Map<String, String> pairs(List<?> flat) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            m.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return m;
    }
}
