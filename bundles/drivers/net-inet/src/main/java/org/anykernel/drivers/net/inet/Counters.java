package org.anykernel.drivers.net.inet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The protocol counters of one stack, named {@code proto.name} ({@code ip.bad_checksum}); reported one line per
 * protocol ({@code ip in=3 out=2 ...}), the well-known counters first and always, others as they appear.
 */
final class Counters {
    /** Counters reported even when zero, by protocol, in report order. */
    private static final String[][] KNOWN = {
        {"ip", "in", "out", "forwarded", "bad_header", "bad_checksum", "frag_reassembled", "frag_dropped"},
        {"icmp", "in", "out", "bad", "echo_in", "echo_out", "errors_in", "errors_out", "rate_limited"},
        {"udp", "in", "out", "bad_header", "bad_checksum", "no_port", "rcvbuf_drops"},
        {"arp", "in", "requests_out", "replies_out", "bad", "queue_drops", "unresolved"},
    };

    /** Insertion order kept, so that reports are stable. */
    private final Map<String, Long> values = new LinkedHashMap<>();

    Counters() {
        for (String[] p : KNOWN) {
            for (int i = 1; i < p.length; i++) {
                values.put(p[0] + "." + p[i], 0L);
            }
        }
    }

    void inc(String name) {
        add(name, 1);
    }

    void add(String name, long n) {
        values.merge(name, n, Long::sum);
    }

    long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    /** One line per protocol prefix. */
    List<String> report() {
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        for (String[] p : KNOWN) {
            lines.put(p[0], new StringBuilder(p[0]));
        }
        Map<String, StringBuilder> others = new TreeMap<>();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String proto = dot < 0 ? "other" : key.substring(0, dot);
            String name = dot < 0 ? key : key.substring(dot + 1);
            StringBuilder line = lines.get(proto);
            if (line == null) {
                line = others.computeIfAbsent(proto, StringBuilder::new);
            }
            line.append(' ').append(name).append('=').append(e.getValue());
        }
        List<String> out = new ArrayList<>();
        lines.values().forEach(s -> out.add(s.toString()));
        others.values().forEach(s -> out.add(s.toString()));
        return out;
    }
}
