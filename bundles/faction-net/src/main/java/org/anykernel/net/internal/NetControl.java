package org.anykernel.net.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.Protocol;

/**
 * The network configuration as text commands, what {@code netctl} and the {@code net:} shell commands run:
 *
 * <pre>
 * ifconfig [IF]                        interfaces, addresses, counters
 * ifconfig IF ADDR/PREFIX [up|down] [mtu N]
 * ifconfig IF up|down | mtu N
 * route                                the routing table
 * route add default|NET/PREFIX GATEWAY | route add NET/PREFIX dev IF
 * route del default|NET/PREFIX
 * arp                                  the ARP cache
 * netstat [-s]                         sockets; -s: protocol and interface counters
 * forwarding [on|off]                  IPv4 forwarding between interfaces
 * </pre>
 */
final class NetControl {
    private NetControl() {
    }

    /** Whether a command only reads (any user may run it). */
    static boolean readOnly(String command) {
        String[] w = words(command);
        if (w.length == 0) {
            return true;
        }
        return switch (w[0]) {
            case "arp", "netstat" -> true;
            case "ifconfig", "route", "forwarding" -> w.length <= (w[0].equals("ifconfig") ? 2 : 1);
            default -> true;
        };
    }

    private static String[] words(String command) {
        String c = command.trim();
        return c.isEmpty() ? new String[0] : c.split("\\s+");
    }

    /** Runs one command; returns its output (ending with a newline, or empty). */
    static String run(NetStack stack, String command) {
        String[] w = words(command);
        if (w.length == 0) {
            throw new KernelException(Errno.EINVAL, "netctl", "empty command (ifconfig, route, arp, netstat, forwarding)");
        }
        String[] args = Arrays.copyOfRange(w, 1, w.length);
        return switch (w[0]) {
            case "ifconfig" -> ifconfig(stack, args);
            case "route" -> route(stack, args);
            case "arp" -> lines(protocolReport(stack, "arp"), "no ARP entries\n");
            case "netstat" -> netstat(stack, args);
            case "forwarding" -> forwarding(stack, args);
            default -> throw new KernelException(Errno.EINVAL, "netctl " + w[0],
                    "unknown command (ifconfig, route, arp, netstat, forwarding)");
        };
    }

    private static String ifconfig(NetStack stack, String[] a) {
        if (a.length == 0) {
            StringBuilder sb = new StringBuilder();
            for (Interface i : stack.interfaces()) {
                sb.append(describe(i));
            }
            return sb.toString();
        }
        Interface i = stack.interfaceNamed(a[0]);
        if (i == null) {
            throw new KernelException(Errno.ENODEV, "ifconfig " + a[0], "no such interface");
        }
        if (a.length == 1) {
            return describe(i);
        }
        List<NetConfig.IfAddr> addrs = null;
        Boolean up = null;
        Integer mtu = null;
        for (int k = 1; k < a.length; k++) {
            String x = a[k];
            switch (x) {
                case "up" -> up = true;
                case "down" -> up = false;
                case "mtu" -> {
                    if (++k >= a.length) {
                        throw new KernelException(Errno.EINVAL, "ifconfig " + a[0], "mtu needs a value");
                    }
                    mtu = number("ifconfig " + a[0] + " mtu", a[k]);
                }
                default -> {
                    if (addrs != null) {
                        throw new KernelException(Errno.EINVAL, "ifconfig " + a[0], "unexpected '" + x + "'");
                    }
                    addrs = List.of(ifaddr("ifconfig " + a[0], x));
                    if (up == null) {
                        up = true;
                    }
                }
            }
        }
        stack.setInterface(a[0], addrs, up, mtu);
        return "";
    }

    private static String describe(Interface i) {
        StringBuilder sb = new StringBuilder();
        List<String> flags = new ArrayList<>();
        if (i.adminUp) {
            flags.add("UP");
        }
        if (i.loopback()) {
            flags.add("LOOPBACK");
        } else {
            flags.add("BROADCAST");
        }
        if (i.running()) {
            flags.add("RUNNING");
        }
        sb.append(i.name).append(": flags=<").append(String.join(",", flags)).append("> mtu ").append(i.mtu)
                .append('\n');
        for (NetConfig.IfAddr a : i.addresses) {
            sb.append("        inet ").append(InetAddr.format(a.address())).append('/').append(a.prefix());
            if (!i.loopback()) {
                sb.append("  broadcast ").append(InetAddr.format(a.broadcast()));
            }
            sb.append('\n');
        }
        if (!i.loopback()) {
            sb.append("        ether ").append(Interface.formatMac(i.mac)).append('\n');
        }
        sb.append(String.format("        RX packets %d  bytes %d%n", i.rxPackets.sum(), i.rxBytes.sum()));
        sb.append(String.format("        TX packets %d  bytes %d  dropped %d  errors %d%n", i.txPackets.sum(),
                i.txBytes.sum(), i.txDropped.sum(), i.errors.sum()));
        if (i.driver != null) {
            try {
                List<Long> c = i.driver.counters();
                if (c.size() >= 6) {
                    sb.append(String.format("        NIC rx %d (dropped %d)  tx %d (dropped %d)%n", c.get(0), c.get(2),
                            c.get(3), c.get(5)));
                }
            } catch (KernelException e) {
                sb.append("        NIC: ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String route(NetStack stack, String[] a) {
        if (a.length == 0) {
            StringBuilder sb = new StringBuilder(String.format("%-18s %-15s %s%n", "destination", "gateway", "interface"));
            for (NetConfig.Route r : stack.config().routes()) {
                Interface i = stack.interfaceAt(r.ifindex());
                String dest = r.prefix() == 0 ? "default" : InetAddr.format(r.destination()) + "/" + r.prefix();
                sb.append(String.format("%-18s %-15s %s%n", dest, r.gateway() == 0 ? "*" : InetAddr.format(r.gateway()),
                        i == null ? "?" : i.name));
            }
            return sb.toString();
        }
        String what = "route " + String.join(" ", a);
        if ((a[0].equals("add") || a[0].equals("del")) && a.length >= 2) {
            int[] net = a[1].equals("default") ? new int[] {0, 0} : network(what, a[1]);
            if (a[0].equals("del")) {
                stack.deleteRoute(net[0], net[1]);
                return "";
            }
            if (a.length == 4 && a[2].equals("dev")) {
                stack.addRoute(net[0], net[1], 0, a[3]);
                return "";
            }
            if (a.length == 3) {
                stack.addRoute(net[0], net[1], InetAddr.parse(a[2]), null);
                return "";
            }
        }
        throw new KernelException(Errno.EINVAL, what,
                "usage: route add default|NET/PREFIX GATEWAY, route add NET/PREFIX dev IF, route del default|NET/PREFIX");
    }

    private static String netstat(NetStack stack, String[] a) {
        if (a.length == 1 && a[0].equals("-s")) {
            StringBuilder sb = new StringBuilder(lines(protocolReport(stack, "stats"), ""));
            for (Interface i : stack.interfaces()) {
                sb.append(String.format("%s rx_packets=%d rx_bytes=%d tx_packets=%d tx_bytes=%d tx_dropped=%d errors=%d"
                                + " busy_poll_rx=%d%n",
                        i.name, i.rxPackets.sum(), i.rxBytes.sum(), i.txPackets.sum(), i.txBytes.sum(),
                        i.txDropped.sum(), i.errors.sum(), i.busyPolled.sum()));
            }
            return sb.toString();
        }
        if (a.length != 0) {
            throw new KernelException(Errno.EINVAL, "netstat " + String.join(" ", a), "usage: netstat [-s]");
        }
        return String.format("%-5s %-22s %-22s %s%n", "proto", "local", "remote", "state")
                + lines(protocolReport(stack, "sockets"), "");
    }

    private static String forwarding(NetStack stack, String[] a) {
        if (a.length == 0) {
            return "forwarding " + (stack.forwarding() ? "on" : "off") + "\n";
        }
        if (a.length == 1 && (a[0].equals("on") || a[0].equals("off"))) {
            stack.setForwarding(a[0].equals("on"));
            return "";
        }
        throw new KernelException(Errno.EINVAL, "forwarding " + String.join(" ", a), "usage: forwarding [on|off]");
    }

    private static List<String> protocolReport(NetStack stack, String what) {
        Protocol p = stack.protocol(2);
        return p.report(what);
    }

    private static String lines(List<String> lines, String empty) {
        if (lines.isEmpty()) {
            return empty;
        }
        return String.join("\n", lines) + "\n";
    }

    /** {@code 10.0.0.1/24}. */
    static NetConfig.IfAddr ifaddr(String what, String s) {
        int[] n = parsePrefixed(what, s, true);
        return new NetConfig.IfAddr(n[0], n[1]);
    }

    private static int[] network(String what, String s) {
        return parsePrefixed(what, s, false);
    }

    private static int[] parsePrefixed(String what, String s, boolean hostBitsAllowed) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new KernelException(Errno.EINVAL, what, "'" + s + "' needs a prefix length (10.0.0.1/24)");
        }
        int a = InetAddr.parse(s.substring(0, slash));
        int prefix = number(what, s.substring(slash + 1));
        if (prefix < 0 || prefix > 32) {
            throw new KernelException(Errno.EINVAL, what, "prefix length " + prefix + " outside 0..32");
        }
        return new int[] {hostBitsAllowed ? a : a & InetAddr.mask(prefix), prefix};
    }

    private static int number(String what, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.EINVAL, what, "'" + s + "' is not a number");
        }
    }
}
