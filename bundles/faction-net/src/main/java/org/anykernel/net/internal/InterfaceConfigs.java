package org.anykernel.net.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig;

/**
 * Interface configurations from ConfigAdmin ({@code net.if~NAME}), kept so that an interface that attaches later (its
 * NIC driver starts after the configuration arrives, or restarts) is configured the moment it appears.
 */
final class InterfaceConfigs {
    private static final System.Logger LOG = System.getLogger(InterfaceConfigs.class.getName());

    /**
     * One interface's configuration.
     *
     * @param kernel  the kernel ({@code global} by default)
     * @param ifname  the interface
     * @param address its address with prefix, or null
     * @param gateway the default route's gateway, or 0
     * @param mtu     its MTU, or 0 to keep the NIC's
     */
    record Entry(String kernel, String ifname, NetConfig.IfAddr address, int gateway, int mtu) {
    }

    private final Map<String, Entry> byPid = new ConcurrentHashMap<>();

    void put(String pid, Entry e) {
        byPid.put(pid, e);
    }

    void remove(String pid) {
        byPid.remove(pid);
    }

    List<Entry> forKernel(String kernel) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : byPid.values()) {
            if (e.kernel.equals(kernel)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Applies the configurations of {@code stack}'s kernel to those of its interfaces that exist. */
    static void apply(NetStack stack, List<Entry> entries) {
        for (Entry e : entries) {
            if (stack.interfaceNamed(e.ifname) == null) {
                continue;
            }
            try {
                stack.setInterface(e.ifname, e.address == null ? null : List.of(e.address), true,
                        e.mtu > 0 ? e.mtu : null);
                if (e.gateway != 0) {
                    boolean hasDefault = stack.staticRoutes().stream().anyMatch(r -> r.prefix() == 0);
                    if (hasDefault) {
                        stack.deleteRoute(0, 0);
                    }
                    stack.addRoute(0, 0, e.gateway, null);
                }
            } catch (KernelException ex) {
                LOG.log(System.Logger.Level.WARNING, "net.if~" + e.ifname + " (kernel " + e.kernel + "): "
                        + ex.getMessage());
            }
        }
    }

    /** Parses a configuration's properties; {@code IllegalArgumentException} naming the field otherwise. */
    static Entry parse(String name, Map<String, ?> p) {
        String kernel = text(p.get("kernel"), "global");
        String ifname = text(p.get("interface"), name);
        String where = "net.if~" + name;
        NetConfig.IfAddr addr = null;
        String a = text(p.get("address"), "");
        if (!a.isEmpty()) {
            try {
                addr = NetControl.ifaddr("address", a);
            } catch (KernelException e) {
                throw new IllegalArgumentException(where + ": " + detail(e), e);
            }
        }
        String g = text(p.get("gateway"), "");
        int gw = 0;
        if (!g.isEmpty() && !g.equals("none")) {
            try {
                gw = InetAddr.parse(g);
            } catch (KernelException e) {
                throw new IllegalArgumentException(where + ": gateway: '" + g + "' is not an IPv4 address (a.b.c.d)", e);
            }
        }
        int mtu;
        try {
            mtu = Integer.parseInt(text(p.get("mtu"), "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": mtu: '" + p.get("mtu") + "' is not a number", e);
        }
        return new Entry(kernel, ifname, addr, gw, mtu);
    }

    /** The message of {@code e} without its errno prefix ({@code "EINVAL: "}). */
    private static String detail(KernelException e) {
        String m = e.getMessage();
        String prefix = e.errno().name() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static String text(Object o, String dflt) {
        return o == null || o.toString().isBlank() ? dflt : o.toString().trim();
    }
}
