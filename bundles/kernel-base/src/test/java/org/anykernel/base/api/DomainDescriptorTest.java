package org.anykernel.base.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DomainDescriptorTest {

    @Test
    void readsEveryField() {
        DomainDescriptor d = DomainDescriptor.parse("blk", Map.of("placement", "isolated", "components", new String[] {"blk-sim"},
                "vcpus", "2", "memory.quota", "16M", "grants", "org.anykernel.hw.api.ConsolePort, org.x.Y", "restart", "always",
                "restart.intensity", 5, "restart.period", 30, "watchdog.ms", 250, "ipc", "migrate"));
        assertEquals(Placement.ISOLATED, d.placement());
        assertEquals(List.of("blk-sim"), d.components());
        assertEquals(2, d.vcpus());
        assertEquals(16L << 20, d.memoryQuota());
        assertEquals(List.of("org.anykernel.hw.api.ConsolePort", "org.x.Y"), d.grants());
        assertEquals(DomainDescriptor.RestartPolicy.ALWAYS, d.restart());
        assertEquals(5, d.intensity());
        assertEquals(30, d.periodSeconds());
        assertEquals(250, d.watchdogMillis());
        assertEquals(DomainDescriptor.Ipc.MIGRATE, d.ipc());
    }

    @Test
    void unknownPlacementNamesTheField() {
        KernelException e = assertThrows(KernelException.class,
                () -> DomainDescriptor.parse("blk", Map.of("placement", "orbital")));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: domain blk: field 'placement': unknown placement 'orbital' (expected one of colocated, isolated, library)",
                e.getMessage());
    }

    @Test
    void negativeQuotaIsRefused() {
        KernelException e = assertThrows(KernelException.class,
                () -> DomainDescriptor.parse("blk", Map.of("memory.quota", -5)));
        assertEquals("EINVAL: domain blk: field 'memory.quota': -5 is negative", e.getMessage());
        e = assertThrows(KernelException.class, () -> DomainDescriptor.parse("blk", Map.of("memory.quota", "-1M")));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void typoInAKeyIsAnError() {
        KernelException e = assertThrows(KernelException.class,
                () -> DomainDescriptor.parse("blk", Map.of("placment", "isolated")));
        assertEquals(true, e.getMessage().startsWith("EINVAL: domain blk: field 'placment': unknown field"));
    }

    @Test
    void outOfRangeAndMalformedNumbers() {
        assertThrows(KernelException.class, () -> DomainDescriptor.parse("a", Map.of("vcpus", 0)));
        assertThrows(KernelException.class, () -> DomainDescriptor.parse("a", Map.of("watchdog.ms", "soon")));
        assertThrows(KernelException.class, () -> DomainDescriptor.parse("a", Map.of("restart", "sometimes")));
        assertThrows(KernelException.class, () -> DomainDescriptor.parse("a", Map.of("grants", "not a class")));
        assertThrows(KernelException.class, () -> DomainDescriptor.parse("Bad Name", Map.of()));
    }

    @Test
    void defaultsAreColocatedWithBoundedWaits() {
        DomainDescriptor d = DomainDescriptor.parse("x", Map.of());
        assertEquals(Placement.COLOCATED, d.placement());
        assertEquals(true, d.watchdogMillis() > 0 && d.holdMillis() > 0);
    }
}
