package org.anykernel.drivers.net.inet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.NetConfig.IfAddr;
import org.anykernel.net.spi.NetConfig.Iface;
import org.anykernel.net.spi.NetResult;

/**
 * A test network: stacks on one clock, Ethernet segments joining their interfaces, and a pump that carries every
 * frame a result holds to the interfaces on its segment that take it (their MAC or broadcast) until nothing moves.
 * Loopback frames go back into the stack that sent them. Frames seen are recorded per segment.
 */
final class Wire {
    final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final SplittableRandom seeds = new SplittableRandom(42);
    /** Segment name by (stack, ifindex). */
    private final Map<Inet, Map<Integer, String>> attach = new HashMap<>();
    private final Map<Inet, Map<Integer, byte[]>> macs = new HashMap<>();
    private final Map<Inet, Map<Integer, Integer>> kinds = new HashMap<>();
    /** Frames carried, by segment. */
    final Map<String, List<byte[]>> seen = new HashMap<>();
    final Set<Long> woken = new LinkedHashSet<>();
    /** Drops frames on a segment when it says so (a lossy wire). */
    Predicate<byte[]> drop = f -> false;

    Inet host() {
        return new Inet(clock::get, new SplittableRandom(seeds.nextLong()));
    }

    static byte[] mac(int n) {
        return new byte[] {2, 0, 0, 0, 0, (byte) n};
    }

    static Iface eth(int index, String name, int macId, int mtu, String... addrs) {
        List<IfAddr> a = new ArrayList<>();
        for (String s : addrs) {
            String[] p = s.split("/");
            a.add(new IfAddr(InetAddr.parse(p[0]), Integer.parseInt(p[1])));
        }
        return new Iface(index, name, NetConfig.ETHERNET, mac(macId), mtu, true, a);
    }

    static Iface lo() {
        return new Iface(1, "lo", NetConfig.LOOPBACK, new byte[0], 65536, true,
                List.of(new IfAddr(InetAddr.LOOPBACK, 8)));
    }

    /** Configures {@code h} and joins its Ethernet interfaces to the segments named (in interface order). */
    NetResult configure(Inet h, NetConfig c, String... segments) {
        NetResult announced = h.configure(c);
        int k = 0;
        for (Iface i : c.interfaces()) {
            kinds.computeIfAbsent(h, x -> new HashMap<>()).put(i.index(), i.kind());
            if (i.kind() == NetConfig.ETHERNET) {
                attach.computeIfAbsent(h, x -> new HashMap<>()).put(i.index(), segments[k++]);
                macs.computeIfAbsent(h, x -> new HashMap<>()).put(i.index(), i.mac());
            }
        }
        pump(h, announced);
        return pump(h, h.tick(clock.get()));
    }

    private record Pending(Inet from, NetResult.Frame frame) {
    }

    /** Carries the frames of {@code r} (from {@code h}) and of every result they cause; returns {@code r}. */
    NetResult pump(Inet h, NetResult r) {
        ArrayDeque<Pending> q = new ArrayDeque<>();
        woken.addAll(r.ready());
        r.out().forEach(f -> q.add(new Pending(h, f)));
        int steps = 0;
        while (!q.isEmpty()) {
            if (++steps > 1_000_000) {
                throw new AssertionError("the wire does not settle");
            }
            Pending p = q.removeFirst();
            Integer kind = kinds.getOrDefault(p.from, Map.of()).get(p.frame.ifindex());
            if (kind != null && kind == NetConfig.LOOPBACK) {
                NetResult rr = p.from.input(p.frame.ifindex(), List.of(p.frame.bytes()));
                woken.addAll(rr.ready());
                rr.out().forEach(f -> q.add(new Pending(p.from, f)));
                continue;
            }
            String seg = attach.getOrDefault(p.from, Map.of()).get(p.frame.ifindex());
            if (seg == null) {
                continue;
            }
            byte[] f = p.frame.bytes();
            seen.computeIfAbsent(seg, x -> new ArrayList<>()).add(f);
            if (drop.test(f)) {
                continue;
            }
            for (Map.Entry<Inet, Map<Integer, String>> e : attach.entrySet()) {
                for (Map.Entry<Integer, String> a : e.getValue().entrySet()) {
                    if (!a.getValue().equals(seg) || e.getKey() == p.from && a.getKey() == p.frame.ifindex()) {
                        continue;
                    }
                    byte[] m = macs.get(e.getKey()).get(a.getKey());
                    if (!Bytes.isBroadcastMac(f, 0) && !Bytes.macEquals(f, 0, m)) {
                        continue;
                    }
                    NetResult rr = e.getKey().input(a.getKey(), List.of(f));
                    woken.addAll(rr.ready());
                    Inet to = e.getKey();
                    rr.out().forEach(o -> q.add(new Pending(to, o)));
                }
            }
        }
        return r;
    }

    /** Advances the clock and ticks every stack. */
    void advance(long nanos) {
        clock.addAndGet(nanos);
        for (Inet h : new ArrayList<>(attach.keySet())) {
            pump(h, h.tick(clock.get()));
        }
    }
}
