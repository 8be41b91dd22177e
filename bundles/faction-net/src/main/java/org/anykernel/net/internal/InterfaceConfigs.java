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
        NetConfig.IfAddr addr = null;
        String a = text(p.get("address"), "");
        String where = "net.if~" + name;
        try {
            if (!a.isEmpty()) {
                addr = NetControl.ifaddr(where + ": address", a);
            }
            String g = text(p.get("gateway"), "");
            int gw = g.isEmpty() || g.equals("none") ? 0 : InetAddr.parse(g);
            String m = text(p.get("mtu"), "0");
            int mtu = Integer.parseInt(m);
            return new Entry(kernel, ifname, addr, gw, mtu);
        } catch (KernelException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": mtu: '" + p.get("mtu") + "' is not a number", e);
        }
    }

    private static String text(Object o, String dflt) {
        return o == null || o.toString().isBlank() ? dflt : o.toString().trim();
    }
}
