package dev.parley.presence.store;

import dev.parley.presence.memory.MemoryPresenceStore;

class MemoryPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newStore() {
        MemoryPresenceStore s = new MemoryPresenceStore(LOG_BOUND);
        s.start();
        return s;
    }
}
