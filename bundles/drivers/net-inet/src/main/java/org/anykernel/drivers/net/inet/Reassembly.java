package org.anykernel.drivers.net.inet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * IPv4 reassembly (RFC 791, RFC 815) with hard limits: a datagram waits at most {@link #TIMEOUT_NANOS}, grows to at
 * most 65535 bytes, and all datagrams together hold at most {@link #MAX_DATAGRAMS} entries and {@link #MAX_BYTES}
 * bytes (each fragment charged its payload plus {@link #OVERHEAD}); the oldest datagram is evicted to make room.
 * Overlapping fragments drop the whole datagram (as RFC 5722 asks of IPv6); an exact duplicate is ignored.
 */
final class Reassembly {
    static final long TIMEOUT_NANOS = 30_000_000_000L;
    static final int MAX_DATAGRAMS = 64;
    static final long MAX_BYTES = 1L << 20;
    /** What a fragment costs beyond its payload (its entry, its array header), so tiny fragments add up too. */
    static final int OVERHEAD = 64;

    private record Key(int src, int dst, int protocol, int id) {
    }

    private static final class Datagram {
        final long started;
        final TreeMap<Integer, byte[]> fragments = new TreeMap<>();
        /** The payload length, known from the last fragment; -1 before. */
        int total = -1;
        int received;
        long charge;
        /** The IP header of the first fragment (offset 0), or null before it came. */
        byte[] header;

        Datagram(long started) {
            this.started = started;
        }
    }

    private final Counters counters;
    /** Oldest first (insertion order), for eviction. */
    private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();
    private long bytes;

    Reassembly(Counters counters) {
        this.counters = counters;
    }

    /** Datagrams waiting. */
    int datagrams() {
        return datagrams.size();
    }

    /** Bytes charged (payloads and overheads). */
    long bytes() {
        return bytes;
    }

    /**
     * Adds the fragment {@code p[off..off+totalLen)} (its header checked: {@code ihl} bytes, a total length that fits).
     *
     * @return the whole datagram (a new array, header included, no longer a fragment) when this fragment completed it,
     *         else null
     */
    byte[] add(byte[] p, int off, int ihl, int totalLen, long now) {
        int flags = Bytes.u16(p, off + 6);
        boolean more = (flags & 0x2000) != 0;
        int offset = (flags & 0x1FFF) * 8;
        int len = totalLen - ihl;
        int end = offset + len;
        Key key = new Key(Bytes.i32(p, off + 12), Bytes.i32(p, off + 16), Bytes.u8(p, off + 9), Bytes.u16(p, off + 4));
        if (more && (len == 0 || (len & 7) != 0)) {
            counters.inc("ip.frag_bad");
            drop(key);
            return null;
        }
        if (end + ihl > 0xFFFF) {
            counters.inc("ip.frag_too_big");
            drop(key);
            return null;
        }
        Datagram d = datagrams.get(key);
        if (d == null) {
            d = new Datagram(now);
        }
        // Where the fragment goes, and whether it collides with one already held.
        Map.Entry<Integer, byte[]> below = d.fragments.floorEntry(offset);
        if (below != null && below.getKey() == offset && below.getValue().length == len
                && (more || d.total == end)) {
            counters.inc("ip.frag_duplicate");
            return null;
        }
        boolean overlap = below != null && below.getKey() + below.getValue().length > offset;
        Map.Entry<Integer, byte[]> above = d.fragments.higherEntry(offset);
        if (above != null && above.getKey() < end) {
            overlap = true;
        }
        if (!overlap && below != null && below.getKey() == offset && len == 0 && below.getValue().length == 0) {
            overlap = true;
        }
        if (overlap) {
            counters.inc("ip.frag_overlap");
            drop(key);
            return null;
        }
        if (!more) {
            if (d.total >= 0 && d.total != end || !d.fragments.isEmpty() && d.fragments.lastEntry().getKey()
                    + d.fragments.lastEntry().getValue().length > end) {
                counters.inc("ip.frag_bad");
                drop(key);
                return null;
            }
        } else if (d.total >= 0 && end > d.total) {
            counters.inc("ip.frag_bad");
            drop(key);
            return null;
        }
        long cost = len + OVERHEAD;
        if (!datagrams.containsKey(key)) {
            cost += OVERHEAD;
            makeRoom(cost, 1);
            datagrams.put(key, d);
            d.charge = OVERHEAD;
            bytes += OVERHEAD;
            cost -= OVERHEAD;
        } else {
            datagrams.remove(key); // so that makeRoom does not evict the datagram being added to
            makeRoom(cost, 1);
            datagrams.put(key, d);
        }
        byte[] payload = new byte[len];
        System.arraycopy(p, off + ihl, payload, 0, len);
        d.fragments.put(offset, payload);
        d.received += len;
        d.charge += cost;
        bytes += cost;
        if (!more) {
            d.total = end;
        }
        if (offset == 0) {
            d.header = new byte[ihl];
            System.arraycopy(p, off, d.header, 0, ihl);
        }
        if (d.total < 0 || d.received != d.total || d.header == null) {
            return null;
        }
        remove(key);
        byte[] whole = new byte[d.header.length + d.total];
        System.arraycopy(d.header, 0, whole, 0, d.header.length);
        for (Map.Entry<Integer, byte[]> f : d.fragments.entrySet()) {
            System.arraycopy(f.getValue(), 0, whole, d.header.length + f.getKey(), f.getValue().length);
        }
        Bytes.put16(whole, 2, whole.length);
        Bytes.put16(whole, 6, 0);
        Bytes.put16(whole, 10, 0);
        Bytes.put16(whole, 10, Bytes.checksum(whole, 0, d.header.length));
        counters.inc("ip.frag_reassembled");
        return whole;
    }

    /**
     * Drops the datagrams older than the timeout.
     *
     * @return for each dropped datagram whose first fragment came, its header and first 8 payload bytes (what an ICMP
     *         time exceeded quotes)
     */
    List<byte[]> expire(long now) {
        List<byte[]> quoted = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Datagram>> it = datagrams.entrySet().iterator(); it.hasNext();) {
            Datagram d = it.next().getValue();
            if (now - d.started < TIMEOUT_NANOS) {
                continue;
            }
            it.remove();
            bytes -= d.charge;
            counters.inc("ip.frag_dropped");
            counters.inc("ip.frag_timeout");
            if (d.header != null) {
                byte[] first = d.fragments.get(0);
                int n = Math.min(8, first == null ? 0 : first.length);
                byte[] q = new byte[d.header.length + n];
                System.arraycopy(d.header, 0, q, 0, d.header.length);
                if (n > 0) {
                    System.arraycopy(first, 0, q, d.header.length, n);
                }
                quoted.add(q);
            }
        }
        return quoted;
    }

    private void makeRoom(long cost, int entries) {
        Iterator<Map.Entry<Key, Datagram>> it = datagrams.entrySet().iterator();
        while (it.hasNext() && (bytes + cost > MAX_BYTES || datagrams.size() + entries > MAX_DATAGRAMS)) {
            Datagram d = it.next().getValue();
            it.remove();
            bytes -= d.charge;
            counters.inc("ip.frag_dropped");
            counters.inc("ip.frag_evicted");
        }
    }

    private void drop(Key key) {
        if (remove(key)) {
            counters.inc("ip.frag_dropped");
        }
    }

    private boolean remove(Key key) {
        Datagram d = datagrams.remove(key);
        if (d == null) {
            return false;
        }
        bytes -= d.charge;
        return true;
    }
}
