package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.flush;
import static org.anykernel.hw.internal.Disks.io;
import static org.anykernel.hw.internal.Disks.pattern;
import static org.anykernel.hw.internal.Disks.read;
import static org.anykernel.hw.internal.Disks.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskRequest;
import org.junit.jupiter.api.Test;

/** {@code hw:fault}: disk fault plans as text, applied by name; a bad plan or an unknown device is one clear line. */
class HwFaultCommandTest {

    @Test
    void theTextFormHasEveryFault() {
        DiskFaultPlan p = DiskFaultPlan.parse("eio=100+2, eio-on=3,corrupt=7,corrupt-on=5,torn=2,hang-on=9,seed=11");
        assertEquals(List.of(new DiskFaultPlan.Range(100, 2)), p.eio());
        assertEquals(3, p.eioOnRequest());
        assertEquals(List.of(new DiskFaultPlan.Range(7, 1)), p.corrupt());
        assertEquals(5, p.corruptOnRequest());
        assertEquals(2, p.tornWriteSectors());
        assertEquals(9, p.hangOnRequest());
        assertEquals(11, p.seed());
        assertTrue(DiskFaultPlan.parse("power-cut").powerCut());
        assertTrue(DiskFaultPlan.parse("hang").hang());
        assertEquals(DiskFaultPlan.NONE, DiskFaultPlan.parse("none"));
        assertEquals("'eio-on=x': x is not a whole number >= 0",
                assertThrows(IllegalArgumentException.class, () -> DiskFaultPlan.parse("eio-on=x")).getMessage());
        assertEquals("'eio-on=0': requests are counted from 1 (the next one)",
                assertThrows(IllegalArgumentException.class, () -> DiskFaultPlan.parse("eio-on=0")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiskFaultPlan.parse("power-cut=1")).getMessage()
                .startsWith("'power-cut=1': power-cut takes no value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DiskFaultPlan.parse("melt=1")).getMessage()
                .startsWith("'melt=1': unknown item melt"));
    }

    @Test
    void aPlanIsAppliedToTheDiskItNames() {
        SimDisk d = SimDisk.open(DiskConfig.memory("sd7", 1 << 20));
        try {
            HwCommands hw = new HwCommands();
            hw.bindDisk(d, Map.of(SimDiskComponent.NAME_PROPERTY, "sd7"));
            byte[] kept = pattern(0, 2, 1);
            write(d, 1, 0, kept, false);
            flush(d, 2);
            write(d, 3, 0, pattern(0, 2, 2), false); // in the volatile write cache only
            assertEquals("sd7: fault plan power-cut\n", hw.fault("sd7", "power-cut"));
            assertArrayEquals(kept, read(d, 4, 0, 2), "the cut lost what was not flushed");
            assertEquals("sd7: fault plan eio-on=1\n", hw.fault("sd7", "eio-on=1"));
            assertEquals(Status.EIO, io(d, DiskRequest.read(5, 0, 1)).status());
            assertEquals("sd7: no faults\n", hw.fault("sd7", "none"));
            assertEquals("no disk or NIC sd9 (have: sd7)",
                    assertThrows(IllegalArgumentException.class, () -> hw.fault("sd9", "hang")).getMessage());
            hw.unbindDisk(d, Map.of(SimDiskComponent.NAME_PROPERTY, "sd7"));
            assertThrows(IllegalArgumentException.class, () -> hw.fault("sd7", "hang"));
        } finally {
            d.close();
        }
    }
}
