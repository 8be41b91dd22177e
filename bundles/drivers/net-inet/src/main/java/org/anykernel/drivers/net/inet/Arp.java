package org.anykernel.drivers.net.inet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig.IfAddr;
import org.anykernel.net.spi.NetConfig.Iface;

/**
 * The ARP cache of one stack (RFC 826, timers as RFC 1122 2.3.2.1 asks): entries are reachable for
 * {@link #REACHABLE_NANOS} and then forgotten (the next packet resolves again); an unresolved address is asked
 * {@link #TRIES} times a {@link #RETRY_NANOS} apart while at most {@link #QUEUE} packets wait for it (the oldest
 * dropped), and then fails: its packets are dropped (their senders told {@code EHOSTUNREACH}) and sends to it fail at
 * once for {@link #FAILED_NANOS}. At most {@link #MAX_ENTRIES} entries: the one expiring first makes room.
 */
final class Arp {
    static final long REACHABLE_NANOS = 60_000_000_000L;
    static final long RETRY_NANOS = 1_000_000_000L;
    static final long FAILED_NANOS = 3_000_000_000L;
    static final int TRIES = 3;
    static final int QUEUE = 8;
    static final int MAX_ENTRIES = 1024;
    /** Length of an ARP packet for IPv4 over Ethernet. */
    static final int LEN = 28;
    static final int REQUEST = 1, REPLY = 2;

    private enum State {
        INCOMPLETE, REACHABLE, FAILED
    }

    private static final class Entry {
        final int ifindex;
        final int ip;
        byte[] mac;
        State state;
        long expires;
        int tries;
        final ArrayDeque<byte[]> queue = new ArrayDeque<>();

        Entry(int ifindex, int ip) {
            this.ifindex = ifindex;
            this.ip = ip;
        }
    }

    private final Stack stack;
    private final Map<Long, Entry> entries = new LinkedHashMap<>();

    Arp(Stack stack) {
        this.stack = stack;
    }

    private static long key(int ifindex, int ip) {
        return (long) ifindex << 32 | (ip & 0xFFFFFFFFL);
    }

    /** The hardware address of {@code ip} on {@code iface} if it is known and fresh now, else null (nothing sent). */
    byte[] cached(Iface iface, int ip) {
        Entry e = entries.get(key(iface.index(), ip));
        return e != null && e.state == State.REACHABLE && stack.nowNanos() - e.expires < 0 ? e.mac : null;
    }

    /**
     * The hardware address of {@code ip} on {@code iface}, or null when it is being resolved: then {@code packet} waits
     * for it (dropped with the entry if it never resolves).
     *
     * @throws KernelException {@code EHOSTUNREACH} when it failed to resolve moments ago
     */
    byte[] resolve(Iface iface, int ip, byte[] packet) {
        long now = stack.nowNanos();
        Entry e = entries.get(key(iface.index(), ip));
        if (e != null && e.state == State.REACHABLE && now - e.expires < 0) {
            return e.mac;
        }
        if (e != null && e.state == State.FAILED && now - e.expires < 0) {
            throw new KernelException(Errno.EHOSTUNREACH, InetAddr.format(ip), "does not answer ARP on " + iface.name());
        }
        if (e == null || e.state != State.INCOMPLETE) {
            if (e == null) {
                makeRoom();
            }
            e = new Entry(iface.index(), ip);
            e.state = State.INCOMPLETE;
            entries.put(key(iface.index(), ip), e);
            e.tries = 1;
            e.expires = now + RETRY_NANOS;
            request(iface, ip);
        }
        if (e.queue.size() >= QUEUE) {
            e.queue.removeFirst();
            stack.counters.inc("arp.queue_drops");
        }
        e.queue.addLast(packet);
        return null;
    }

    /** Announces {@code address} (a gratuitous ARP request: sender and target are both {@code address}). */
    void announce(Iface iface, int address) {
        stack.emitEthernet(iface, null, 0x0806, packet(REQUEST, iface.mac(), address, null, address));
        stack.counters.inc("arp.announcements_out");
    }

    private void request(Iface iface, int target) {
        int src = Stack.addressFor(iface, target);
        stack.emitEthernet(iface, null, 0x0806, packet(REQUEST, iface.mac(), src, null, target));
        stack.counters.inc("arp.requests_out");
    }

    private static byte[] packet(int op, byte[] sha, int spa, byte[] tha, int tpa) {
        byte[] p = new byte[LEN];
        Bytes.put16(p, 0, 1);
        Bytes.put16(p, 2, 0x0800);
        p[4] = 6;
        p[5] = 4;
        Bytes.put16(p, 6, op);
        System.arraycopy(sha, 0, p, 8, 6);
        Bytes.put32(p, 14, spa);
        if (tha != null) {
            System.arraycopy(tha, 0, p, 18, 6);
        }
        Bytes.put32(p, 24, tpa);
        return p;
    }

    /** An ARP packet {@code f[off..off+len)} received on {@code iface}. */
    void input(Iface iface, byte[] f, int off, int len) {
        stack.counters.inc("arp.in");
        if (len < LEN || Bytes.u16(f, off) != 1 || Bytes.u16(f, off + 2) != 0x0800 || f[off + 4] != 6
                || f[off + 5] != 4) {
            stack.counters.inc("arp.bad");
            return;
        }
        int op = Bytes.u16(f, off + 6);
        int spa = Bytes.i32(f, off + 14);
        int tpa = Bytes.i32(f, off + 24);
        if (op != REQUEST && op != REPLY || (f[off + 8] & 1) != 0 || Bytes.macEquals(f, off + 8, iface.mac())) {
            stack.counters.inc("arp.bad");
            return;
        }
        byte[] sha = new byte[6];
        System.arraycopy(f, off + 8, sha, 0, 6);
        long now = stack.nowNanos();
        boolean merged = false;
        if (spa != 0) {
            Entry e = entries.get(key(iface.index(), spa));
            if (e != null) {
                learn(iface, e, sha, now);
                merged = true;
            }
        }
        boolean forUs = false;
        for (IfAddr a : iface.addresses()) {
            forUs |= a.address() == tpa;
        }
        if (!forUs) {
            return;
        }
        if (!merged && spa != 0 && spa != tpa && op == REQUEST) {
            makeRoom();
            Entry e = new Entry(iface.index(), spa);
            entries.put(key(iface.index(), spa), e);
            learn(iface, e, sha, now);
        }
        if (op == REQUEST && spa != tpa) {
            stack.emitEthernet(iface, sha, 0x0806, packet(REPLY, iface.mac(), tpa, sha, spa));
            stack.counters.inc("arp.replies_out");
        }
    }

    private void learn(Iface iface, Entry e, byte[] mac, long now) {
        e.mac = mac;
        e.state = State.REACHABLE;
        e.expires = now + REACHABLE_NANOS;
        e.tries = 0;
        while (!e.queue.isEmpty()) {
            stack.emitEthernet(iface, mac, 0x0800, e.queue.removeFirst());
        }
    }

    /** Runs the timers: forgets old entries, asks again, fails addresses that never answered. */
    void tick(long now) {
        List<Entry> failed = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.expires < 0) {
                continue;
            }
            switch (e.state) {
                case REACHABLE, FAILED -> it.remove();
                case INCOMPLETE -> {
                    Iface iface = stack.iface(e.ifindex);
                    if (e.tries < TRIES && iface != null && iface.up()) {
                        e.tries++;
                        e.expires = now + RETRY_NANOS;
                        request(iface, e.ip);
                    } else {
                        e.state = State.FAILED;
                        e.expires = now + FAILED_NANOS;
                        failed.add(e);
                    }
                }
            }
        }
        for (Entry e : failed) {
            stack.counters.inc("arp.unresolved");
            List<byte[]> packets = new ArrayList<>(e.queue);
            e.queue.clear();
            stack.unresolved(packets);
        }
    }

    /** Forgets the entries of interfaces not in {@code up}, dropping their queued packets. */
    void retain(Set<Integer> up) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (!up.contains(e.ifindex)) {
                stack.counters.add("arp.queue_drops", e.queue.size());
                it.remove();
            }
        }
    }

    private void makeRoom() {
        if (entries.size() < MAX_ENTRIES) {
            return;
        }
        Entry victim = null;
        for (Entry e : entries.values()) {
            if (victim == null || e.expires - victim.expires < 0) {
                victim = e;
            }
        }
        entries.remove(key(victim.ifindex, victim.ip));
        stack.counters.add("arp.queue_drops", victim.queue.size());
        stack.counters.inc("arp.evicted");
    }

    /** {@code 10.0.0.2 at 02:00:00:00:00:02 on eth0 reachable expires 42s}, one line per entry. */
    List<String> report(long now) {
        List<String> lines = new ArrayList<>();
        for (Entry e : entries.values()) {
            Iface iface = stack.iface(e.ifindex);
            long left = Math.max(0, (e.expires - now + 999_999_999L) / 1_000_000_000L);
            lines.add(InetAddr.format(e.ip) + " at " + Bytes.mac(e.mac) + " on "
                    + (iface == null ? "if" + e.ifindex : iface.name()) + " " + e.state.name().toLowerCase()
                    + " expires " + left + "s");
        }
        return lines;
    }
}
