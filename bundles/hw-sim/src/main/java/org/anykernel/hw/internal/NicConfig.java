package org.anykernel.hw.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.anykernel.hw.api.WireFaultPlan;

/**
 * A NIC's configuration, parsed and checked from the properties of its {@code hw.nic~NAME} configuration.
 *
 * @param name    the NIC's name ({@code eth0})
 * @param mac     the MAC address, 48 bits in the low bits (first byte most significant)
 * @param mtu     the largest payload of a frame
 * @param backend what the wire is
 * @param rxRing  frames the receive ring holds
 * @param pcap    a file to capture to from the start, or null
 * @param faults  the wire's fault plan at start
 * @param kernel  the kernel the NIC belongs to
 */
public record NicConfig(String name, long mac, int mtu, Backend backend, int rxRing, Path pcap, WireFaultPlan faults,
        String kernel) {

    /** MTU unless configured. */
    public static final int DEFAULT_MTU = 1500;
    /** The smallest MTU (IPv4's minimum). */
    public static final int MIN_MTU = 68;
    /** The largest MTU (a frame must fit one UDP datagram and one shared-memory bus record). */
    public static final int MAX_MTU = 65000;
    /** Receive ring slots unless configured. */
    public static final int DEFAULT_RX_RING = 1024;
    /** The kernel unless configured. */
    public static final String GLOBAL_KERNEL = "global";
    /** The backend unless configured. */
    public static final String DEFAULT_BACKEND = "switch:sw0";

    private static final String BACKENDS = "switch:NAME, shm:PATH or udp:LOCAL>REMOTE";

    /** What is on the other end of the NIC's wire. */
    public sealed interface Backend {
    }

    /**
     * The in-JVM learning switch of that name ({@link EthSwitch#named}).
     *
     * @param name the switch's name
     */
    public record SwitchBackend(String name) implements Backend {
        @Override
        public String toString() {
            return "switch:" + name;
        }
    }

    /**
     * A shared-memory bus file ({@link ShmBus}).
     *
     * @param file the bus file
     */
    public record ShmBackend(Path file) implements Backend {
        @Override
        public String toString() {
            return "shm:" + file;
        }
    }

    /**
     * A UDP tunnel, one frame per datagram ({@link UdpTunnel}).
     *
     * @param local  the address to bind
     * @param remote where frames are sent
     */
    public record UdpBackend(InetSocketAddress local, InetSocketAddress remote) implements Backend {
        @Override
        public String toString() {
            return "udp:" + text(local) + ">" + text(remote);
        }

        private static String text(InetSocketAddress a) {
            String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
        }
    }

    /** A NIC on the in-JVM switch {@code switchName}, with the defaults. */
    public static NicConfig onSwitch(String name, String switchName) {
        return new NicConfig(name, defaultMac(GLOBAL_KERNEL, name), DEFAULT_MTU, new SwitchBackend(switchName),
                DEFAULT_RX_RING, null, WireFaultPlan.NONE, GLOBAL_KERNEL);
    }

    public NicConfig withMac(long m) {
        return new NicConfig(name, m, mtu, backend, rxRing, pcap, faults, kernel);
    }

    public NicConfig withBackend(Backend b) {
        return new NicConfig(name, mac, mtu, b, rxRing, pcap, faults, kernel);
    }

    public NicConfig withRxRing(int slots) {
        return new NicConfig(name, mac, mtu, backend, slots, pcap, faults, kernel);
    }

    public NicConfig withFaults(WireFaultPlan plan) {
        return new NicConfig(name, mac, mtu, backend, rxRing, pcap, plan, kernel);
    }

    public NicConfig withMtu(int m) {
        return new NicConfig(name, mac, m, backend, rxRing, pcap, faults, kernel);
    }

    /** The MAC address as 6 bytes. */
    public byte[] macBytes() {
        return macBytes(mac);
    }

    /** The MAC address as text, {@code 02:00:00:00:00:01}. */
    public String macText() {
        return macText(mac);
    }

    /**
     * Parses a configuration's properties. Keys: {@code mac} (default: {@link #defaultMac}), {@code mtu} (1500),
     * {@code backend} ({@code switch:NAME}, the default {@code switch:sw0}; {@code shm:PATH}; {@code udp:LOCAL>REMOTE}
     * with addresses {@code host:port}, or {@code udp} with the properties {@code udp.local} and {@code udp.remote}),
     * {@code rx.ring} (1024), {@code pcap} (a capture file, optional), {@code faults} ({@link WireFaultPlan#parse}
     * text), {@code kernel} ({@code global}). Other keys are ignored.
     *
     * @throws IllegalArgumentException naming the NIC and the field, on the first bad value, e.g.
     *         {@code hw.nic~eth0: backend: 'foo' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE}
     */
    public static NicConfig parse(String name, Map<String, ?> p) {
        String where = "hw.nic~" + name + ": ";
        try {
            String kernel = text(p, "kernel", GLOBAL_KERNEL);
            if (kernel.isEmpty()) {
                throw new IllegalArgumentException("kernel: empty (a kernel's name, or global)");
            }
            long mac = p.get("mac") == null ? defaultMac(kernel, name) : parseMac("mac", p.get("mac").toString());
            int mtu = (int) ConfigValues.number(p, "mtu", DEFAULT_MTU, MIN_MTU, MAX_MTU);
            Backend backend = backend(p);
            int ring = (int) ConfigValues.number(p, "rx.ring", DEFAULT_RX_RING, 1, 1 << 20);
            String pcapText = text(p, "pcap", "");
            Path pcap = pcapText.isEmpty() ? null : Path.of(pcapText);
            WireFaultPlan faults;
            try {
                faults = WireFaultPlan.parse(text(p, "faults", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("faults: " + e.getMessage(), e);
            }
            return new NicConfig(name, mac, mtu, backend, ring, pcap, faults, kernel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static Backend backend(Map<String, ?> p) {
        String b = text(p, "backend", DEFAULT_BACKEND);
        if (b.startsWith("switch:") && b.length() > "switch:".length()) {
            return new SwitchBackend(b.substring("switch:".length()).trim());
        }
        if (b.startsWith("shm:") && b.length() > "shm:".length()) {
            return new ShmBackend(Path.of(b.substring("shm:".length()).trim()));
        }
        if (b.equals("udp")) {
            Object l = p.get("udp.local");
            Object r = p.get("udp.remote");
            if (l == null || l.toString().isBlank()) {
                throw new IllegalArgumentException("udp.local: required with backend udp (host:port)");
            }
            if (r == null || r.toString().isBlank()) {
                throw new IllegalArgumentException("udp.remote: required with backend udp (host:port)");
            }
            return new UdpBackend(address("udp.local", l.toString().trim()), address("udp.remote", r.toString().trim()));
        }
        if (b.startsWith("udp:")) {
            String rest = b.substring("udp:".length());
            int gt = rest.indexOf('>');
            if (gt > 0 && gt < rest.length() - 1) {
                return new UdpBackend(address("backend", rest.substring(0, gt).trim()),
                        address("backend", rest.substring(gt + 1).trim()));
            }
        }
        throw new IllegalArgumentException("backend: '" + b + "' is not " + BACKENDS);
    }

    /** {@code host:port}, {@code [v6]:port}; the host must resolve. */
    static InetSocketAddress address(String key, String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException(key + ": '" + s + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": '" + s + "': port '" + s.substring(colon + 1) + "' is not in [0, 65535]");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(key + ": '" + s + "': unknown host " + host, e);
        }
    }

    /**
     * A locally administered unicast MAC derived from the NIC's name ({@code 02:} and 40 bits of an FNV-1a hash of
     * the name, or of {@code kernel/name} for a kernel other than {@code global}, so that {@code eth0} of two
     * kernels on one switch differ).
     */
    public static long defaultMac(String kernel, String name) {
        String key = GLOBAL_KERNEL.equals(kernel) ? name : kernel + "/" + name;
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (0x02L << 40) | (h & 0xff_ffff_ffffL);
    }

    /**
     * Parses {@code 02:00:00:00:00:01} (or with dashes); a multicast address is refused.
     *
     * @throws IllegalArgumentException naming {@code key}
     */
    static long parseMac(String key, String s) {
        String t = s.trim();
        String[] parts = t.split("[:-]", -1);
        long mac = 0;
        boolean ok = parts.length == 6;
        for (int i = 0; ok && i < 6; i++) {
            if (parts[i].length() != 2 || !HexFormat.isHexDigit(parts[i].charAt(0)) || !HexFormat.isHexDigit(parts[i].charAt(1))) {
                ok = false;
            } else {
                mac = (mac << 8) | HexFormat.fromHexDigits(parts[i]);
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(key + ": '" + s + "' is not a MAC address (six hex bytes like 02:00:00:00:00:01)");
        }
        if ((mac >>> 40 & 1) != 0) {
            throw new IllegalArgumentException(key + ": '" + s + "' is a multicast address, not a NIC's");
        }
        return mac;
    }

    static byte[] macBytes(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return b;
    }

    static String macText(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(HexFormat.of().toHexDigits((byte) (mac >>> (40 - 8 * i))));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static String text(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        return v == null ? dflt : v.toString().trim();
    }
}
