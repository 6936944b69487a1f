package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeenIdsTest {

    @Test
    void aRepeatedIdIsADuplicate() {
        SeenIds seen = new SeenIds(4);
        assertTrue(seen.add("a.1"));
        assertTrue(seen.add("b.1"));
        assertFalse(seen.add("a.1"));
        assertEquals(List.of("a.1", "b.1"), seen.toList());
    }

    @Test
    void theOldestIdIsForgottenPastCapacity() {
        SeenIds seen = new SeenIds(3);
        for (String id : List.of("1", "2", "3", "4")) {
            seen.add(id);
        }
        assertFalse(seen.contains("1"));
        assertTrue(seen.contains("4"));
        assertEquals(List.of("2", "3", "4"), seen.toList());
        assertEquals(3, seen.size());
        assertTrue(seen.add("1"), "forgotten, so new again");
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new SeenIds(0));
    }
}
