package dev.parley.presence.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EventIdTest {

    @Test
    void roundTripsItsWireForm() {
        EventId id = new EventId("a1b2c3d4", 42);
        assertEquals("a1b2c3d4:42", id.toString());
        assertEquals(id, EventId.parseOrNull("a1b2c3d4:42"));
        assertEquals(new EventId("a1b2c3d4", 43), id.next());
    }

    @Test
    void malformedIdsAreNull() {
        for (String bad : new String[] {null, "", "42", ":42", "e:", "e:x", "e:-1", "e:99999999999999999999", "x".repeat(101) + ":1"}) {
            assertNull(EventId.parseOrNull(bad), bad);
        }
    }

    @Test
    void rejectsBadParts() {
        assertThrows(IllegalArgumentException.class, () -> new EventId("a:b", 1));
        assertThrows(IllegalArgumentException.class, () -> new EventId("", 1));
        assertThrows(IllegalArgumentException.class, () -> new EventId("e", -1));
    }

    @Test
    void namesAndStatusesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Channel.room(""));
        assertThrows(IllegalArgumentException.class, () -> Channel.room("x".repeat(129)));
        assertThrows(IllegalArgumentException.class, () -> Channel.room("a\nb"));
        assertEquals(UserStatus.AWAY, UserStatus.parse(" Away "));
        assertThrows(IllegalArgumentException.class, () -> UserStatus.parse("busy"));
        assertThrows(IllegalArgumentException.class, () -> Meta.check(java.util.Map.of("k", "v".repeat(513))));
    }
}
