package dev.parley.signaling.compat.ywebsocket.room;

/**
 * An outstanding request for a room's whole document. The relay sent {@code connection} (a writable
 * y-websocket client that had been sent every stored update) sync step 1 with an empty state
 * vector when the room held {@code count} updates; y-protocols answers a step 1 with
 * {@code writeSyncStep2(encodeStateAsUpdate(doc, stateVector))}, which with an empty vector is
 * the client's whole document, pending structs and deletions included. That answer, the
 * connection's sync step 2 for this request (step 1s are answered in order), replaces those
 * {@code count} updates (and any later one it holds) if it holds all of their ids ({@code prefix})
 * and nothing the room lacks.
 *
 * @param id           request number within the room (a connection's queue of unanswered step 1s names it)
 * @param connection   the client asked
 * @param count        stored updates the answer is to replace (the first {@code count})
 * @param epoch        the room document's epoch when asked; another replacement meanwhile voids the request
 * @param prefix       the ids of those updates
 * @param startedNanos when asked ({@link System#nanoTime()})
 */
record Compaction(long id, Connection connection, int count, long epoch, DocState.Ids prefix, long startedNanos) {
}
