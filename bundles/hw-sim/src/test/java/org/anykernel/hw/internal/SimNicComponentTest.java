package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.SimHardware;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component: one registered NIC per configuration, nothing for a bad one; and SimHardware's NICs. */
class SimNicComponentTest {

    record Registered(String clazz, Object service, Dictionary<String, ?> props, boolean[] unregistered) {
    }

    private final List<Registered> registry = new ArrayList<>();

    @TempDir
    Path dir;

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("registerService") && args[0] instanceof Class<?> c) {
                        @SuppressWarnings("unchecked")
                        Registered r = new Registered(c.getName(), args[1], (Dictionary<String, ?>) args[2], new boolean[1]);
                        registry.add(r);
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                                (p2, m2, a2) -> {
                                    if (m2.getName().equals("unregister")) {
                                        r.unregistered()[0] = true;
                                    }
                                    return null;
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static Map<String, Object> config(String pid, Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", pid);
        m.put("service.factoryPid", "hw.nic");
        m.put("component.name", SimNicComponent.class.getName());
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aConfigurationRegistersANamedNic() throws Exception {
        String sw = Frames.uniqueSwitch();
        Path pcap = dir.resolve("eth0.pcap");
        SimNicComponent c = new SimNicComponent();
        c.activate(context(), config("hw.nic~eth0", "backend", "switch:" + sw, "mac", "02:00:00:00:00:01", "kernel", "k1",
                "pcap", pcap.toString()));
        assertEquals(1, registry.size());
        Registered r = registry.get(0);
        assertEquals(NicController.class.getName(), r.clazz());
        assertEquals("eth0", r.props().get(SimNicComponent.NAME_PROPERTY));
        assertEquals("02:00:00:00:00:01", r.props().get(SimNicComponent.MAC_PROPERTY));
        assertEquals("k1", r.props().get(SimNicComponent.KERNEL_PROPERTY));
        NicController nic = assertInstanceOf(NicController.class, r.service());
        assertEquals("eth0", nic.name());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 1}, nic.mac());
        assertEquals(1, EthSwitch.named(sw).portCount());
        try (SimNic peer = Frames.onSwitch("peer", sw)) {
            byte[] f = Frames.frame(nic.mac(), peer.mac(), 40, 1);
            Frames.send(peer, f);
            assertArrayEquals(f, Frames.next(nic, 1000));
        }
        assertEquals(24 + 16 + 54, Files.size(pcap), "captured from the start");
        c.deactivate();
        assertTrue(r.unregistered()[0]);
        assertEquals(0, EthSwitch.named(sw).portCount(), "closed: unplugged");
        c.deactivate(); // idempotent
    }

    @Test
    void aBadConfigurationRegistersNothing() {
        SimNicComponent c = new SimNicComponent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.activate(context(), config("hw.nic~eth0", "backend", "foo")));
        assertEquals("hw.nic~eth0: backend: 'foo' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> c.activate(context(), config("hw.nic~eth0", "pcap", dir.resolve("no/such/dir/x.pcap").toString())));
        assertTrue(e.getMessage().startsWith("hw.nic~eth0: pcap: cannot create " + dir.resolve("no/such/dir/x.pcap")), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> c.activate(context(), config("hw.nic~eth0", "backend", "shm:" + dir.resolve("no/such/dir/bus"))));
        assertTrue(e.getMessage().startsWith("hw.nic~eth0: backend: shm:" + dir.resolve("no/such/dir/bus") + ": cannot map"), e.getMessage());
        assertEquals(0, registry.size());
        c.deactivate();
    }

    @Test
    void nameFromPidOrProperty() {
        assertEquals("eth0", ConfigValues.nameOf(Map.of("service.pid", "hw.nic~eth0"), SimNicComponent.PID));
        assertEquals("wan", ConfigValues.nameOf(Map.of("service.pid", "hw.nic~eth0", "name", "wan"), SimNicComponent.PID));
        assertEquals("hw.nic", ConfigValues.nameOf(Map.of(), SimNicComponent.PID));
    }

    @Test
    void simHardwareOpensAndPowersOffNics() throws Exception {
        String sw = Frames.uniqueSwitch();
        NicController a = SimHardware.switchNic("a", sw);
        NicController b = SimHardware.nic("b", Map.of("backend", "switch:" + sw, "mtu", 9000, "faults", "seed=1"));
        try {
            assertEquals(9000, b.mtu());
            byte[] f = Frames.frame(b.mac(), a.mac(), 8000, 3);
            assertThrows(IllegalArgumentException.class, () -> Frames.send(a, f), "a's MTU is 1500");
            byte[] g = Frames.frame(a.mac(), b.mac(), 8000, 3);
            assertTrue(Frames.send(b, g));
            assertArrayEquals(g, Frames.next(a, 1000));
        } finally {
            SimHardware.powerOff(a);
            SimHardware.powerOff(b);
            SimHardware.powerOff(b);
        }
        assertEquals(false, a.linkUp());
        assertEquals(0, EthSwitch.named(sw).portCount());
        assertEquals("hw.nic~x: backend: 'nope' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE",
                assertThrows(IllegalArgumentException.class, () -> SimHardware.nic("x", Map.of("backend", "nope"))).getMessage());
    }
}
