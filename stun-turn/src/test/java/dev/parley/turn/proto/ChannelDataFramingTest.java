package dev.parley.turn.proto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChannelDataFramingTest {

    @Test
    void rfc8656RangeIs4000To4fff() {
        assertTrue(ChannelDataFraming.isValidChannel(0x4000, false));
        assertTrue(ChannelDataFraming.isValidChannel(0x4FFF, false));
        assertFalse(ChannelDataFraming.isValidChannel(0x3FFF, false));
        assertFalse(ChannelDataFraming.isValidChannel(0x5000, false));
        assertFalse(ChannelDataFraming.isValidChannel(0x7FFF, false));
    }

    @Test
    void legacyRangeAddsRfc5766Numbers() {
        assertTrue(ChannelDataFraming.isValidChannel(0x5000, true));
        assertTrue(ChannelDataFraming.isValidChannel(0x7FFF, true));
        assertFalse(ChannelDataFraming.isValidChannel(0x8000, true));
        assertFalse(ChannelDataFraming.isValidChannel(0x3FFF, true));
    }

    @Test
    void everyNumberWithFirstBits01IsFramedAsChannelDataSoItCanBeSkippedOnStreams() {
        assertTrue(ChannelDataFraming.looksLikeChannelData((byte) 0x50));
        assertTrue(ChannelDataFraming.looksLikeChannelData((byte) 0x7F));
        assertFalse(ChannelDataFraming.looksLikeChannelData((byte) 0x80));
        assertFalse(ChannelDataFraming.looksLikeChannelData((byte) 0x00));
    }
}
