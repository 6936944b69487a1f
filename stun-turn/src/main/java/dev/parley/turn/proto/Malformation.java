package dev.parley.turn.proto;

/** The classes of malformed input the decoder recognises; each is dropped (or answered 400) and counted. */
public enum Malformation {
    TRUNCATED_HEADER,
    NOT_STUN,
    BAD_LENGTH,
    BAD_MAGIC_COOKIE,
    ATTRIBUTE_OVERRUN,
    TOO_MANY_ATTRIBUTES,
    BAD_FINGERPRINT,
    BAD_MESSAGE_INTEGRITY,
    BAD_ATTRIBUTE_VALUE,
    BAD_CHANNEL_DATA
}
