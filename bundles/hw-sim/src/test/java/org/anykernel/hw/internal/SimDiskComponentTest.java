package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.pattern;
import static org.anykernel.hw.internal.Disks.read;
import static org.anykernel.hw.internal.Disks.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The DS component: one registered disk per configuration, nothing for a bad one. */
class SimDiskComponentTest {

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
        m.put("service.factoryPid", "hw.disk");
        m.put("component.name", SimDiskComponent.class.getName());
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aConfigurationRegistersANamedDisk() {
        SimDiskComponent c = new SimDiskComponent();
        c.activate(context(), config("hw.disk~sd0", "backing", "memory", "size", "64M", "queue.depth", 16));
        assertEquals(1, registry.size());
        Registered r = registry.get(0);
        assertEquals(DiskController.class.getName(), r.clazz());
        assertEquals("sd0", r.props().get(SimDiskComponent.NAME_PROPERTY));
        assertEquals((64L << 20) / 512, r.props().get("hw.disk.sectors"));
        DiskController d = assertInstanceOf(DiskController.class, r.service());
        assertEquals("sd0", d.info().name());
        assertEquals(16, d.info().queueDepth());
        write(d, 1, 0, pattern(0, 1, 1), false);
        assertArrayEquals(pattern(0, 1, 1), read(d, 2, 0, 1));

        c.deactivate();
        assertTrue(r.unregistered()[0]);
        assertThrows(IllegalStateException.class, () -> d.submit(DiskRequest.read(3, 0, 1)), "the disk is shut down");
    }

    @Test
    void anImageFileConfigurationTakesTheFileSize() throws Exception {
        Path img = dir.resolve("sd1.img");
        Files.write(img, new byte[4096]);
        SimDiskComponent c = new SimDiskComponent();
        c.activate(context(), config("hw.disk~sd1", "backing", img.toString(), "read.only", "true"));
        DiskController d = (DiskController) registry.get(0).service();
        assertEquals(8, d.info().sectors());
        assertTrue(d.info().readOnly());
        c.deactivate();
    }

    @Test
    void aBadConfigurationRegistersNothingAndNamesTheField() {
        SimDiskComponent c = new SimDiskComponent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.activate(context(), config("hw.disk~bad", "size", "12X")));
        assertEquals("hw.disk~bad: size: '12X' is not a size (bytes, or a number with K, M, G or T)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> c.activate(context(), config("hw.disk~nofile", "backing", dir.resolve("none.img").toString())));
        assertTrue(e.getMessage().startsWith("hw.disk~nofile: backing: cannot open "), e.getMessage());
        assertTrue(registry.isEmpty());
    }

    @Test
    void theNameComesFromTheConfiguration() {
        assertEquals("sd0", ConfigValues.nameOf(Map.of("service.pid", "hw.disk~sd0"), SimDiskComponent.PID));
        assertEquals("boot", ConfigValues.nameOf(Map.of("service.pid", "hw.disk~sd0", "name", "boot"), SimDiskComponent.PID));
        assertEquals("hw.disk.1234", ConfigValues.nameOf(Map.of("service.pid", "hw.disk.1234"), SimDiskComponent.PID));
        assertFalse(ConfigValues.nameOf(Map.of(), SimDiskComponent.PID).isEmpty());
    }
}
