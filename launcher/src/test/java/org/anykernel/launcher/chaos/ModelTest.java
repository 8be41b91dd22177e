package org.anykernel.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the model holds durable across a power cut: a file fsync'd since its last change, and nothing else. */
class ModelTest {
    private static final byte[] A = {1, 2, 3};
    private static final byte[] B = {4, 5};

    @Test
    void aFileIsDurableFromItsFsyncUntilItsNextChange() {
        Model m = new Model();
        m.set("/f", A);
        assertFalse(m.durable("/f"), "written, not synced");
        m.synced("/f");
        assertTrue(m.durable("/f"));
        assertEquals(Model.Verdict.OK, m.check("/f", A));
        assertTrue(m.durable("/f"), "read back as it was: still durable");
        m.set("/f", B);
        assertFalse(m.durable("/f"), "changed after the fsync");
        m.synced("/f");
        m.failed("/f", A);
        assertFalse(m.durable("/f"), "a failed change leaves it unknown");
        m.synced("/f");
        assertFalse(m.durable("/f"), "an uncertain file is not made durable by an fsync");
    }

    @Test
    void aDurableFileReadBackDifferentIsAMismatchAndGoneIsLost() {
        Model m = new Model();
        m.set("/f", A);
        m.synced("/f");
        assertEquals(Model.Verdict.MISMATCH, m.check("/f", B));
        assertFalse(m.durable("/f"), "what was read is what the model holds now, not synced");
        m.set("/g", A);
        m.synced("/g");
        assertEquals(Model.Verdict.LOST, m.check("/g", null));
        assertFalse(m.durable("/g"));
    }

    @Test
    void afterARebootWhateverIsReadIsOnTheMedium() {
        Model m = new Model();
        m.set("/f", A);
        m.settleDurable("/f", B);
        assertTrue(m.durable("/f"));
        assertEquals(Model.Verdict.OK, m.check("/f", B));
        m.settleDurable("/f", null);
        assertFalse(m.durable("/f"));
        assertFalse(m.known("/f"));
    }

    @Test
    void aVolumeNoLongerTestedIsForgotten() {
        Model m = new Model();
        m.dirAdded("/mnt/c");
        m.dirAdded("/mnt/c/d");
        m.set("/mnt/c/d/f", A);
        m.synced("/mnt/c/d/f");
        m.set("/tmp/g", B);
        m.forget("/mnt/c");
        assertFalse(m.known("/mnt/c/d/f"));
        assertFalse(m.known("/mnt/c/d"));
        assertFalse(m.durable("/mnt/c/d/f"));
        assertTrue(m.known("/tmp/g"), "other roots stay");
    }
}
