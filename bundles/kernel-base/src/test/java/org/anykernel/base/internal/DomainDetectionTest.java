package org.anykernel.base.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelEvent;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.DomainState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the supervisor hears of a domain besides its calls: a kernel thread that dies, a quota that is hit. */
class DomainDetectionTest {
    private final EventLog events = new EventLog(null);
    private final Supervisor supervisor = new Supervisor(events);
    private final JvmHypercalls host = new JvmHypercalls(System.out);
    private final Domain domain = new Domain(new DomainDescriptor("d", Placement.ISOLATED, List.of(), 1, 4096, 2,
            List.of(), DomainDescriptor.RestartPolicy.NEVER, 3, 10, 2000, 1000, DomainDescriptor.Ipc.HANDOFF), host,
            supervisor);

    @AfterEach
    void close() {
        domain.close();
        supervisor.close();
    }

    private List<KernelEvent> of(String type) {
        return events.recent(100).stream().filter(e -> e.topic().endsWith("/" + type)).toList();
    }

    @Test
    void aKernelThreadThatDiesIsADriverFault() throws Exception {
        ContextThreads threads = new ContextThreads(host, domain.account());
        Account prev = ExecutionContext.enter(domain.account());
        Thread t;
        try {
            t = threads.spawn("irq", false, () -> {
                throw new IllegalStateException("lost the device");
            });
        } finally {
            ExecutionContext.exit(prev);
        }
        t.join(TimeUnit.SECONDS.toMillis(5));
        List<KernelEvent> faults = of("FAULT");
        assertEquals(1, faults.size(), faults::toString);
        assertTrue(faults.get(0).message().contains("kernel thread irq")
                && faults.get(0).message().contains("lost the device"), faults.get(0).message());
        assertEquals(0, domain.account().threads(), "its slot is given back");
    }

    @Test
    void aQuotaHitIsReportedOncePerSecondAndRestartsNothing() {
        Account a = domain.account();
        a.charge(4000);
        for (int i = 0; i < 5; i++) {
            assertEquals(Errno.ENOMEM, assertThrows(KernelException.class, () -> a.charge(200)).errno());
        }
        a.setThreadsMax(0);
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> a.takeThread("t")).errno());
        List<KernelEvent> quota = of("QUOTA");
        assertEquals(1, quota.size(), "one event, not one per refusal: " + quota);
        assertTrue(quota.get(0).message().contains("memory quota of 4096 bytes exceeded"), quota.get(0).message());
        assertTrue(domain.info(List.of()).lastFault().startsWith("quota: "));
        assertEquals(0, domain.info(List.of()).restarts());
    }

    @Test
    void aStoppedDomainKeepsTheReasonItWasStoppedFor() {
        supervisor.fault(domain, "CharDevice.read (x)", new IllegalStateException("first"));
        assertTrue(domain.info(List.of()).lastFault().contains("first"));
        // what Supervisor.fail does: the reason, then the state
        domain.setLastFault("more than 2 restarts in 60 s");
        domain.setState(DomainState.FAILED);
        // a call that was still crashing when the supervisor gave up: reported, but the reason stays
        supervisor.fault(domain, "CharDevice.read (x)", new IllegalStateException("late"));
        supervisor.quota(domain, "memory");
        assertEquals("more than 2 restarts in 60 s", domain.info(List.of()).lastFault());
        assertTrue(of("FAULT").stream().anyMatch(e -> e.message().contains("late")), "the late fault is still an event");
    }
}
