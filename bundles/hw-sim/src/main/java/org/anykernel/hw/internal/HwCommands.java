package org.anykernel.hw.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.NicStats;
import org.anykernel.hw.api.WireFaultPlan;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code hw:} shell commands: {@code hw:nics} (each NIC, its MAC, link, wire counters), {@code hw:pcap NIC FILE}
 * (capture every frame the NIC sends or receives to a pcap file of the host that {@code tshark -r} reads;
 * {@code hw:pcap NIC stop} ends it), and {@code hw:fault DEVICE PLAN}: a hardware fault plan for a disk
 * ({@link DiskFaultPlan#parse}: {@code hw:fault sd0 power-cut}, {@code hw:fault sd0 eio-on=3,corrupt-on=5}) or a NIC's
 * wire ({@link WireFaultPlan#parse}: {@code hw:fault eth0 drop=0.1,link=down}); {@code none} clears it. Plain methods, so hw-sim needs nothing of the shell.
 * Immediate, so the running captures outlive each command (a delayed component would be disposed between them).
 */
@Component(service = HwCommands.class, immediate = true, property = {"osgi.command.scope=hw", "osgi.command.function=pcap",
    "osgi.command.function=nics", "osgi.command.function=fault"})
public final class HwCommands {
    private final Map<String, NicController> nics = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> captures = new ConcurrentHashMap<>();
    private final Map<String, DiskController> disks = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDisk(DiskController disk, Map<String, Object> properties) {
        disks.put(diskName(disk, properties), disk);
    }

    void unbindDisk(DiskController disk, Map<String, Object> properties) {
        disks.remove(diskName(disk, properties), disk);
    }

    private static String diskName(DiskController disk, Map<String, Object> properties) {
        Object n = properties.get(SimDiskComponent.NAME_PROPERTY);
        return n == null ? disk.info().name() : n.toString();
    }

    /** Applies a fault plan to the disk or the NIC named {@code device}; {@code none} clears it. */
    public String fault(String device, String plan) {
        DiskController d = disks.get(device);
        if (d != null) {
            DiskFaultPlan p = DiskFaultPlan.parse(plan);
            d.faults(p);
            return device + ": " + (p.equals(DiskFaultPlan.NONE) ? "no faults" : "fault plan " + plan.strip()) + "\n";
        }
        NicController n = nics.get(device);
        if (n != null) {
            WireFaultPlan p = WireFaultPlan.parse(plan);
            n.faults(p);
            return device + ": " + (p.isNone() ? "no faults" : "wire fault plan " + p) + "\n";
        }
        Map<String, Object> all = new TreeMap<>(disks);
        all.putAll(nics);
        throw new IllegalArgumentException("no disk or NIC " + device + " (have: " + String.join(", ",
                all.keySet()) + ")");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindNic(NicController nic) {
        nics.put(nic.name(), nic);
    }

    void unbindNic(NicController nic) {
        nics.remove(nic.name(), nic);
        stopQuietly(nic.name());
    }

    /** Every NIC with its address, link state and counters. */
    public String nics() {
        StringBuilder sb = new StringBuilder();
        for (NicController n : new TreeMap<>(nics).values()) {
            NicStats s = n.stats();
            byte[] m = n.mac();
            StringBuilder mac = new StringBuilder();
            for (int i = 0; i < m.length; i++) {
                mac.append(i == 0 ? "" : ":").append(String.format("%02x", m[i] & 0xFF));
            }
            sb.append(String.format("%-8s %s link %s mtu %d  rx %d (%d bytes, %d dropped)  tx %d (%d bytes, %d dropped)%s%n",
                    n.name(), mac, n.linkUp() ? "up" : "down", n.mtu(), s.rxPackets(), s.rxBytes(), s.rxDropped(),
                    s.txPackets(), s.txBytes(), s.txDropped(), captures.containsKey(n.name()) ? "  (capturing)" : ""));
        }
        return sb.isEmpty() ? "no NICs\n" : sb.toString();
    }

    /** Starts capturing {@code nic} to {@code file}, or stops with {@code stop}. */
    public String pcap(String nic, String file) throws Exception {
        NicController n = nics.get(nic);
        if (n == null) {
            throw new IllegalArgumentException("hw:pcap: no NIC " + nic + " (have: " + String.join(", ",
                    new TreeMap<>(nics).keySet()) + ")");
        }
        if (file.equals("stop")) {
            AutoCloseable c = captures.remove(nic);
            if (c == null) {
                return nic + ": no capture running\n";
            }
            c.close();
            return nic + ": capture stopped\n";
        }
        AutoCloseable c = n.capture(Path.of(file).toAbsolutePath());
        AutoCloseable old = captures.put(nic, c);
        if (old != null) {
            old.close();
        }
        return nic + ": capturing to " + Path.of(file).toAbsolutePath() + " (hw:pcap " + nic + " stop to end)\n";
    }

    private void stopQuietly(String nic) {
        AutoCloseable c = captures.remove(nic);
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(HwCommands.class.getName()).log(System.Logger.Level.WARNING,
                        "hw:pcap " + nic + ": closing the capture: " + e.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        for (String nic : captures.keySet()) {
            stopQuietly(nic);
        }
    }
}
