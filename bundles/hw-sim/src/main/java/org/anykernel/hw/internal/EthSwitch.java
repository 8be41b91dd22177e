package org.anykernel.hw.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-JVM learning Ethernet switch with any number of ports, found by name in a static registry (created on
 * first use; a switch without ports stays, empty, so that NICs plugged in later find the same one).
 *
 * <p>Forwarding is synchronous, on the sender's thread, into the destination NIC's receive ring: no thread of its
 * own and no queue, so a frame costs a table look-up and a copy. The switch learns the source MAC of every frame;
 * a frame to a known unicast address goes to that port only (and is dropped if that is the sender's own port), a
 * frame to an unknown, broadcast or multicast address is flooded to every other port. Ports whose NIC is in
 * promiscuous mode also get a copy of unicast frames to other ports (like a monitor port), so promiscuous mode and
 * capture work as on a hub. Each receiving NIC gets its own copy of the frame.
 */
final class EthSwitch implements Wire {

    private static final Map<String, EthSwitch> REGISTRY = new ConcurrentHashMap<>();

    private final String name;
    private final CopyOnWriteArrayList<SimNic> ports = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<Long, SimNic> table = new ConcurrentHashMap<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder flooded = new LongAdder();

    private EthSwitch(String name) {
        this.name = name;
    }

    /**
     * The switch of that name, created on first use.
     *
     * @throws IllegalArgumentException a blank name
     */
    static EthSwitch named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("switch: the name is empty");
        }
        return REGISTRY.computeIfAbsent(name.trim(), EthSwitch::new);
    }

    String name() {
        return name;
    }

    @Override
    public void attach(SimNic nic) {
        ports.addIfAbsent(nic);
    }

    @Override
    public void detach(SimNic nic) {
        ports.remove(nic);
        table.values().removeIf(n -> n == nic);
    }

    /** The NICs plugged in. */
    int portCount() {
        return ports.size();
    }

    /** The port that learned {@code mac}, or null. */
    SimNic learned(long mac) {
        return table.get(mac);
    }

    /** Frames sent to one known port. */
    long forwarded() {
        return forwarded.sum();
    }

    /** Frames flooded. */
    long flooded() {
        return flooded.sum();
    }

    @Override
    public boolean send(SimNic from, byte[] frame) {
        if (!ports.contains(from)) {
            return false;
        }
        long src = mac(frame, 6);
        if ((src >>> 40 & 1) == 0 && table.get(src) != from) {
            table.put(src, from);
        }
        SimNic to = (frame[0] & 1) != 0 ? null : table.get(mac(frame, 0));
        if (to == from) {
            return true; // a frame to its own port: a real switch filters it
        }
        Object[] all = ports.toArray();
        if (to != null) {
            forwarded.increment();
            for (Object o : all) {
                SimNic n = (SimNic) o;
                if (n != from && n != to && n.isPromiscuous()) {
                    n.fromWire(frame.clone());
                }
            }
            to.fromWire(frame);
            return true;
        }
        flooded.increment();
        SimNic last = null;
        for (Object o : all) {
            SimNic n = (SimNic) o;
            if (n == from) {
                continue;
            }
            if (last != null) {
                last.fromWire(frame.clone());
            }
            last = n;
        }
        if (last != null) {
            last.fromWire(frame);
        }
        return true;
    }

    static long mac(byte[] f, int off) {
        return (f[off] & 0xffL) << 40 | (f[off + 1] & 0xffL) << 32 | (f[off + 2] & 0xffL) << 24
                | (f[off + 3] & 0xffL) << 16 | (f[off + 4] & 0xffL) << 8 | (f[off + 5] & 0xffL);
    }

    @Override
    public String describe() {
        return "switch:" + name;
    }
}
