package dev.parley.signaling.compat.ywebsocket.wire;

import java.util.List;

/**
 * What a Yjs v1 update contains, without its content: the id ranges of its structs (skips left
 * out) and of its delete set.
 */
public record UpdateSummary(List<ClockRange> structs, List<ClockRange> deletes) {

    public UpdateSummary {
        structs = List.copyOf(structs);
        deletes = List.copyOf(deletes);
    }

    /** No structs and no deletions: applying it changes nothing. */
    public boolean isEmpty() {
        return structs.isEmpty() && deletes.isEmpty();
    }
}
