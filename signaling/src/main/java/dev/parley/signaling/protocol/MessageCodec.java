package dev.parley.signaling.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * JSON codec for the native protocol. Decoding validates every field a handler relies on, so
 * handlers see only well-formed messages; every refusal is a {@link ProtocolException} with the
 * code the client gets back.
 *
 * <p>Binary frames carry a relay: {@code [u16 big-endian header length][header JSON][payload]}, the
 * header being {@code {"t":"relay","room":..,"to"?:..,"ch":..}} (the server adds {@code from} and
 * {@code seq} on the way out).
 */
public final class MessageCodec {

    public static final int MAX_ID_CHARS = 128;
    public static final int MAX_META_CHARS = 2048;
    public static final int MAX_BINARY_HEADER = 1024;

    private final ObjectMapper mapper;

    public MessageCodec() {
        this.mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Decodes one text frame. */
    public ClientMessage decode(String text) throws ProtocolException {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "a message must be a JSON object");
        }
        return decode(root, null);
    }

    /** Decodes one binary frame (a relay with a binary payload). */
    public ClientMessage decodeBinary(ByteBuffer frame) throws ProtocolException {
        if (frame.remaining() < 2) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "binary frame shorter than its header length");
        }
        int headerLength = Short.toUnsignedInt(frame.getShort(frame.position()));
        if (headerLength == 0 || headerLength > MAX_BINARY_HEADER || headerLength > frame.remaining() - 2) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "binary frame header length out of range");
        }
        byte[] header = new byte[headerLength];
        frame.get(frame.position() + 2, header);
        byte[] payload = new byte[frame.remaining() - 2 - headerLength];
        frame.get(frame.position() + 2 + headerLength, payload);
        JsonNode root;
        try {
            root = mapper.readTree(header);
        } catch (java.io.IOException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "binary frame header is not valid JSON");
        }
        if (root == null || !root.isObject() || !"relay".equals(root.path("t").asText(null))) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "a binary frame must carry a relay header");
        }
        return decode(root, payload);
    }

    private ClientMessage decode(JsonNode m, byte[] binary) throws ProtocolException {
        String t = requiredString(m, "t", 32);
        try {
            return decode(t, m, binary);
        } catch (ProtocolException e) {
            throw e.code() == ErrorCode.UNKNOWN_TYPE ? e : new ProtocolException(e.code(), e.getMessage(), t);
        }
    }

    private ClientMessage decode(String t, JsonNode m, byte[] binary) throws ProtocolException {
        return switch (t) {
            case "hello" -> new ClientMessage.Hello(optionalString(m, "token", 8192), resume(m.get("resume")));
            case "join" -> new ClientMessage.Join(id(m, "room"), meta(m.get("meta")));
            case "leave" -> new ClientMessage.Leave(id(m, "room"));
            case "signal" -> signal(m);
            case "relay" -> relay(m, binary);
            case "ping" -> new ClientMessage.Ping(m.get("id"), m.has("ack") ? nonNegativeLong(m, "ack") : -1);
            case "ice-servers" -> new ClientMessage.IceServersRequest();
            case "bye" -> new ClientMessage.Bye(optionalString(m, "reason", 256));
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown message type '" + clip(t) + "'");
        };
    }

    private ClientMessage.Resume resume(JsonNode r) throws ProtocolException {
        if (r == null || r.isNull()) {
            return null;
        }
        if (!r.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "hello.resume must be an object");
        }
        return new ClientMessage.Resume(requiredString(r, "sessionId", MAX_ID_CHARS),
                requiredString(r, "resumeToken", MAX_ID_CHARS), r.has("lastSeq") ? nonNegativeLong(r, "lastSeq") : 0);
    }

    private ClientMessage.Signal signal(JsonNode m) throws ProtocolException {
        String to = id(m, "to");
        SignalKind kind = SignalKind.fromWire(requiredString(m, "kind", 32));
        JsonNode data = m.get("data");
        if (kind.needsData() && (data == null || data.isNull())) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "signal." + kind.wire() + " needs data");
        }
        if ((kind == SignalKind.OFFER || kind == SignalKind.ANSWER) && !data.path("sdp").isTextual()) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "signal." + kind.wire() + " needs data.sdp");
        }
        return new ClientMessage.Signal(to, kind, data);
    }

    private ClientMessage.Relay relay(JsonNode m, byte[] binary) throws ProtocolException {
        String room = id(m, "room");
        String to = m.hasNonNull("to") ? id(m, "to") : null;
        String ch = requiredString(m, "ch", MAX_ID_CHARS);
        JsonNode d = null;
        if (binary == null) {
            d = m.get("d");
            if (d == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "relay.d is required");
            }
        }
        return new ClientMessage.Relay(room, to, ch, d, binary);
    }

    private static JsonNode meta(JsonNode meta) throws ProtocolException {
        if (meta == null || meta.isNull()) {
            return null;
        }
        if (!meta.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "join.meta must be an object");
        }
        if (meta.toString().length() > MAX_META_CHARS) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, "join.meta is larger than " + MAX_META_CHARS + " characters");
        }
        return meta;
    }

    private static String id(JsonNode m, String field) throws ProtocolException {
        String v = requiredString(m, field, MAX_ID_CHARS);
        if (v.isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, field + " must not be empty");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new ProtocolException(ErrorCode.BAD_FIELD, field + " contains control characters");
            }
        }
        return v;
    }

    private static String requiredString(JsonNode m, String field, int max) throws ProtocolException {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, field + " is required");
        }
        if (!v.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, field + " must be a string");
        }
        if (v.textValue().length() > max) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, field + " is longer than " + max + " characters");
        }
        return v.textValue();
    }

    private static String optionalString(JsonNode m, String field, int max) throws ProtocolException {
        return m.hasNonNull(field) ? requiredString(m, field, max) : null;
    }

    private static long nonNegativeLong(JsonNode m, String field) throws ProtocolException {
        JsonNode v = m.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() < 0) {
            throw new ProtocolException(ErrorCode.BAD_FIELD, field + " must be a non-negative integer");
        }
        return v.longValue();
    }

    private static String clip(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "…" : s;
    }

    /** Encodes a server message without {@code seq}. */
    public String encode(ServerMessage message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.type(), e);
        }
    }

    /** Puts {@code "seq":n} first in an encoded message. */
    public static String stamp(String encoded, long seq) {
        return "{\"seq\":" + seq + "," + encoded.substring(1);
    }

    /** Builds an outbound binary relay frame. */
    public byte[] encodeBinaryRelay(String room, String from, String to, String ch, long seq, byte[] payload) {
        ObjectNode h = mapper.createObjectNode();
        h.put("t", "relay");
        h.put("seq", seq);
        h.put("room", room);
        h.put("from", from);
        if (to != null) {
            h.put("to", to);
        }
        h.put("ch", ch);
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(2 + header.length + payload.length);
        out.putShort((short) header.length).put(header).put(payload);
        return out.array();
    }
}
