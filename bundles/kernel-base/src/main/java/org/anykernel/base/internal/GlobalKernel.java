package org.anykernel.base.internal;

import java.util.List;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainStats;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelEvent;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.ProcessInfo;
import org.anykernel.base.api.ServiceInfo;

/** The {@link Kernel} service: the management view of the global kernel. */
final class GlobalKernel implements Kernel {
    private final KernelInstance instance;
    private final DomainManager manager;
    private final Supervisor supervisor;
    private final EventLog events;

    GlobalKernel(KernelInstance instance, DomainManager manager, Supervisor supervisor, EventLog events) {
        this.instance = instance;
        this.manager = manager;
        this.supervisor = supervisor;
        this.events = events;
    }

    @Override
    public List<DomainInfo> domains() {
        return manager.domainInfos();
    }

    @Override
    public List<ServiceInfo> services() {
        return manager.serviceInfos();
    }

    @Override
    public List<ProcessInfo> processes() {
        return instance.processes();
    }

    @Override
    public String place(String serviceOrDomain, Placement placement) {
        return manager.place(serviceOrDomain, placement);
    }

    @Override
    public int fault(String serviceOrDomain, org.anykernel.base.api.FaultSpec spec) {
        return manager.fault(serviceOrDomain, spec);
    }

    @Override
    public String replace(String driver, String location) {
        return new Replacer(manager, supervisor, events).replace(driver, location);
    }

    @Override
    public String update(String driver, String location) {
        return new Replacer(manager, supervisor, events).update(driver, location);
    }

    @Override
    public void restart(String domain) {
        Domain d = manager.domain(domain);
        supervisor.restartNow(d, "kernel:restart");
    }

    @Override
    public List<DomainStats> stats() {
        return manager.domainList().stream().map(d -> d.stats().snapshot(d.name()))
                .sorted((a, b) -> a.domain().compareTo(b.domain())).toList();
    }

    @Override
    public List<KernelEvent> events(int max) {
        return events.recent(max);
    }

    @Override
    public boolean settled() {
        return manager.settled();
    }

    @Override
    public int spawn(String name, Credentials credentials) {
        return instance.spawn(name, credentials);
    }

    @Override
    public void exit(int pid) {
        instance.exit(pid);
    }

    @Override
    public Posix posix(int pid) {
        return instance.posix(pid);
    }
}
