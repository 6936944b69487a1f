package dev.parley.turn.allocation;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The relay port range ({@code --relay-ports}): hands out free ports at random (RFC 8656 §7.2 wants them
 * unpredictable), even ones on request (EVEN-PORT), and keeps the odd port after an even one when the
 * R bit asked to reserve it (RESERVATION-TOKEN). Confined to the I/O loop.
 */
public final class RelayPorts {
    private final int min;
    private final int max;
    private final BitSet used;

    public RelayPorts(int min, int max) {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("bad relay port range " + min + "-" + max);
        }
        this.min = min;
        this.max = max;
        this.used = new BitSet(max - min + 1);
    }

    /** A free port (even if asked), marked used, or -1 if none is left. */
    public int take(boolean even) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (even && (port & 1) != 0) {
                continue;
            }
            if (!used.get(port - min)) {
                used.set(port - min);
                return port;
            }
        }
        return -1;
    }

    /** Marks a specific port used (e.g. the odd half of an EVEN-PORT R=1 pair); false if taken or outside. */
    public boolean takeSpecific(int port) {
        if (port < min || port > max || used.get(port - min)) {
            return false;
        }
        used.set(port - min);
        return true;
    }

    public void release(int port) {
        if (port >= min && port <= max) {
            used.clear(port - min);
        }
    }

    public int inUse() {
        return used.cardinality();
    }
}
