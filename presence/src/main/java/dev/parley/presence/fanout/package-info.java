/** Fan-out of presence events to local subscribers: per-channel ordering, gap detection, replay or fresh snapshot. No I/O. */
package dev.parley.presence.fanout;
