package org.anykernel.base.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainStats;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelEvent;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.ProcessInfo;
import org.anykernel.base.api.ServiceInfo;
import org.anykernel.base.spi.Syscall;
import org.apache.felix.service.command.Descriptor;

/** The {@code kernel:} shell commands. Each returns its text; the shell prints it. */
public final class KernelCommands {
    /** Command names, for the {@code osgi.command.function} property. */
    static final String[] FUNCTIONS = {"domains", "services", "ps", "place", "replace", "update", "restart", "health", "stats", "events",
        "syscalls", "fault"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final Kernel kernel;
    private final KernelInstance global;

    KernelCommands(Kernel kernel, KernelInstance global) {
        this.kernel = kernel;
        this.global = global;
    }

    @Descriptor("list domains: placement, state, services, restarts, memory, bundles")
    public String domains() {
        Table t = new Table("DOMAIN", "PLACEMENT", "IPC", "STATE", "SERVICES", "RESTARTS", "MEMORY", "BUNDLES");
        StringBuilder notes = new StringBuilder();
        for (DomainInfo d : kernel.domains()) {
            DomainDescriptor dd = d.descriptor();
            t.row(d.name(), dd.placement().label(), dd.placement() == Placement.ISOLATED ? dd.ipc().label() : "-",
                    d.state().name().toLowerCase(), d.services(), d.restarts(), d.memoryUsed() + "/" + dd.memoryQuota(),
                    String.join(",", d.bundles()));
            if (!d.rejected().isEmpty()) {
                notes.append("rejected: ").append(d.rejected()).append('\n');
            }
        }
        return t + notes.toString();
    }

    @Descriptor("list kernel services (fronts) with their driver, domain and placement")
    public String services() {
        Table t = new Table("ID", "SERVICE", "DRIVER", "COMPONENT", "DOMAIN", "PLACEMENT", "BOUND");
        for (ServiceInfo s : kernel.services()) {
            t.row(s.id(), String.join(",", s.interfaces().stream().map(KernelCommands::simple).toList()), s.driver(),
                    s.component(), s.domain(), s.placement().label(), s.bound() ? "yes" : "no");
        }
        return t.toString();
    }

    @Descriptor("list processes")
    public String ps() {
        Table t = new Table("PID", "NAME", "UID", "GID", "CWD", "UMASK", "FDS");
        for (ProcessInfo p : kernel.processes()) {
            t.row(p.pid(), p.name(), p.credentials().uid(), p.credentials().gid(), p.cwd(),
                    String.format("%03o", p.umask()), p.openFiles());
        }
        return t.toString();
    }

    @Descriptor("move a domain, or the domain of a service, to another placement while its consumers stay bound")
    public String place(@Descriptor("domain name, or service (interface, driver, component or id)") String what,
            @Descriptor("colocated, isolated or library") String placement) {
        String domain = kernel.place(what, Placement.parse(placement));
        return "domain " + domain + " is now " + placement;
    }

    @Descriptor("inject a fault into a service's or domain's driver calls: crash, error, hang, delay, allocate (past the memory quota), corrupt (flip returned bytes), clear")
    public String fault(@Descriptor("domain, or service (interface, driver, component or id)") String what,
            @Descriptor("crash, error, hang, delay, allocate, corrupt or clear") String kind) {
        return fault(what, kind, 0, 0);
    }

    @Descriptor("inject a fault into a service's or domain's driver calls: crash, error, hang, delay, allocate (past the memory quota), corrupt (flip returned bytes), clear")
    public String fault(@Descriptor("domain, or service (interface, driver, component or id)") String what,
            @Descriptor("crash, error, hang, delay, allocate, corrupt or clear") String kind,
            @Descriptor("every Nth call (0: once)") int every,
            @Descriptor("milliseconds, for delay and hang") long millis) {
        int n = kernel.fault(what, new org.anykernel.base.api.FaultSpec(org.anykernel.base.api.FaultSpec.Kind.parse(kind),
                every, millis, ""));
        return kind + " planned for " + n + " service(s) of " + what + "\n";
    }

    @Descriptor("replace a driver bundle by another build while the kernel runs; the previous one comes back if the new one fails")
    public String replace(@Descriptor("driver name, bundle symbolic name, or domain") String driver,
            @Descriptor("the new build: file:PATH, a path, or mvn:GROUP/ARTIFACT/VERSION") String location) {
        return "replaced: " + kernel.replace(driver, location) + "\n";
    }

    @Descriptor("live update of a driver: its state handed over to the running build installed again")
    public String update(@Descriptor("driver name, bundle symbolic name, or domain") String driver) {
        return "updated: " + kernel.update(driver, null) + "\n";
    }

    @Descriptor("live update of a driver to another build: its state handed over; rolled back if the new one fails")
    public String update(@Descriptor("driver name, bundle symbolic name, or domain") String driver,
            @Descriptor("the new build: file:PATH, a path, or mvn:GROUP/ARTIFACT/VERSION") String location) {
        return "updated: " + kernel.update(driver, location) + "\n";
    }

    @Descriptor("restart a domain now (also a failed one)")
    public String restart(@Descriptor("domain name") String domain) {
        kernel.restart(domain);
        return "domain " + domain + " restarted";
    }

    @Descriptor("health of every domain: state, restarts, last fault")
    public String health() {
        Table t = new Table("DOMAIN", "STATE", "RESTARTS", "LAST FAULT");
        for (DomainInfo d : kernel.domains()) {
            t.row(d.name(), d.state().name().toLowerCase(), d.restarts(), d.lastFault().isEmpty() ? "-" : d.lastFault());
        }
        return t.toString();
    }

    @Descriptor("call statistics per domain: calls, errors, faults, p50 and p99 latency")
    public String stats() {
        Table t = new Table("DOMAIN", "CALLS", "ERRORS", "FAULTS", "P50", "P99");
        for (DomainStats s : kernel.stats()) {
            t.row(s.domain(), s.calls(), s.errors(), s.faults(), nanos(s.p50Nanos()), nanos(s.p99Nanos()));
        }
        return t.toString();
    }

    @Descriptor("recent kernel events")
    public String events() {
        return events(50);
    }

    @Descriptor("recent kernel events")
    public String events(@Descriptor("how many") int max) {
        StringBuilder sb = new StringBuilder();
        List<KernelEvent> list = kernel.events(max);
        for (KernelEvent e : list) {
            sb.append(TIME.format(Instant.ofEpochMilli(e.timeMillis()))).append(' ')
                    .append(e.topic().substring(KernelEvent.TOPIC_PREFIX.length())).append(' ')
                    .append(e.domain()).append(": ").append(e.message()).append('\n');
        }
        return sb.isEmpty() ? "no events\n" : sb.toString();
    }

    @Descriptor("the syscall table of the global kernel")
    public String syscalls() {
        Table t = new Table("NR", "NAME", "ARGS");
        for (Syscall s : global.syscalls().table()) {
            t.row(s.number(), s.name(), s.args().stream().map(a -> a.name().toLowerCase()).toList());
        }
        return t.toString();
    }

    private static String simple(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    static String nanos(long n) {
        if (n == 0) {
            return "-";
        }
        if (n < 10_000) {
            return n + "ns";
        }
        if (n < 10_000_000) {
            return (n / 1000) + "us";
        }
        return (n / 1_000_000) + "ms";
    }
}
