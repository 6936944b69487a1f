package dev.parley.signaling.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresenceMetaTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keepsOnlySmallScalarFields() throws Exception {
        String big = "x".repeat(PresenceMeta.MAX_VALUE + 1);
        Map<String, String> m = PresenceMeta.of(JSON.readTree(
                "{\"name\":\"Ada\",\"n\":3,\"ok\":true,\"nested\":{\"a\":1},\"list\":[1],\"nil\":null,\"big\":\"" + big
                        + "\",\"bad\\u0001key\":\"v\"}"));
        assertEquals(Map.of("name", "Ada", "n", "3", "ok", "true"), m);
    }

    @Test
    void atMostSixteenEntriesAndNothingForNonObjects() throws Exception {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertEquals(PresenceMeta.MAX_ENTRIES, PresenceMeta.of(JSON.readTree(sb.append('}').toString())).size());
        assertEquals(Map.of(), PresenceMeta.of(JSON.readTree("[1,2]")));
        assertEquals(Map.of(), PresenceMeta.of(null));
    }
}
