package dev.parley.turn.transport;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/** Something registered on the loop's selector. */
interface IoHandler {
    void onReady(SelectionKey key, long nowNanos) throws IOException;

    /** Called if {@link #onReady} threw: release whatever the handler holds. */
    void onFailure(Exception e);
}
