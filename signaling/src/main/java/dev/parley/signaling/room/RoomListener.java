package dev.parley.signaling.room;

/** Told when this node starts and stops holding a room (first local member or pending join, last one gone). */
public interface RoomListener {

    void opened(String room);

    void closed(String room);

    RoomListener NONE = new RoomListener() {
        @Override public void opened(String room) { }
        @Override public void closed(String room) { }
    };
}
