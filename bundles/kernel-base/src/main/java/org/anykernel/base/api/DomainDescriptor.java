package org.anykernel.base.api;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deployment descriptor: how one domain is placed and bounded. Read from the ConfigAdmin factory
 * configuration {@code org.anykernel.domain~NAME}; {@link #parse} validates every field before any
 * state changes, and names the field in its error.
 *
 * @param name       the domain name (the part after {@code ~})
 * @param placement  colocated, isolated or library
 * @param components driver names (the {@code Anykernel-Driver} header of their bundles) in this domain
 * @param vcpus      virtual CPUs: threads that may run the domain's code at once
 * @param memoryQuota bytes of kernel buffers the domain may hold
 * @param threadsMax kernel threads the domain may spawn
 * @param grants     service interfaces the domain's bundles may see (besides the base's own); {@code *} for all
 * @param restart    restart policy
 * @param intensity  at most this many restarts ...
 * @param periodSeconds ... within this many seconds, or the domain is stopped
 * @param watchdogMillis a call running longer than this is a hang
 * @param holdMillis how long a call waits for a restarting or moving target
 * @param ipc        how calls enter an isolated domain
 */
public record DomainDescriptor(String name, Placement placement, List<String> components, int vcpus,
        long memoryQuota, int threadsMax, List<String> grants, RestartPolicy restart, int intensity,
        int periodSeconds, long watchdogMillis, long holdMillis, Ipc ipc) {

    /** The factory PID of domain descriptors. */
    public static final String FACTORY_PID = "org.anykernel.domain";
    /** The domain that holds every driver no descriptor names. */
    public static final String DEFAULT_DOMAIN = "kernel";

    /** Descriptor keys, as they appear in configurations and feature files. */
    public static final Set<String> KEYS = Set.of("placement", "components", "vcpus", "memory.quota",
            "threads.max", "grants", "restart", "restart.intensity", "restart.period", "watchdog.ms", "hold.ms",
            "ipc", "name");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern SERVICE = Pattern.compile("\\*|([a-zA-Z_$][\\w$]*\\.)*[a-zA-Z_$][\\w$]*");

    /** When a failed domain is restarted. */
    public enum RestartPolicy {
        NEVER, ON_FAILURE, ALWAYS;

        /** The descriptor spelling ({@code on-failure}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How a call enters an isolated domain. */
    public enum Ipc {
        /** Handed to the domain's own threads; a hung driver costs the caller a deadline, not its thread. */
        HANDOFF,
        /** The caller's thread enters the domain (HongMeng's fast path) for trusted domains. */
        MIGRATE;

        /** The descriptor spelling. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DomainDescriptor {
        components = List.copyOf(components);
        grants = List.copyOf(grants);
    }

    /** A descriptor with every bound at its default. */
    public static DomainDescriptor defaults(String name, Placement placement) {
        return new DomainDescriptor(name, placement, List.of(), 1, 64L << 20, 16, List.of(),
                RestartPolicy.ON_FAILURE, 3, 10, 2000, 5000, Ipc.HANDOFF);
    }

    /** This descriptor with another placement. */
    public DomainDescriptor withPlacement(Placement p) {
        return new DomainDescriptor(name, p, components, vcpus, memoryQuota, threadsMax, grants, restart,
                intensity, periodSeconds, watchdogMillis, holdMillis, ipc);
    }

    /** Whether the domain's bundles may see services of this interface. */
    public boolean grants(String serviceInterface) {
        return grants.contains("*") || grants.contains(serviceInterface);
    }

    /**
     * Validates and reads a descriptor from configuration properties. Unknown keys that look like
     * descriptor keys are errors (a typo must not silently fall back to a default); keys with a
     * namespace of their own ({@code service.*}, {@code felix.*}, {@code component.*}) are ignored.
     *
     * @throws KernelException {@code EINVAL} naming the domain and the field
     */
    public static DomainDescriptor parse(String name, Map<String, ?> props) {
        Object explicit = props.get("name");
        if (explicit != null) {
            name = String.valueOf(explicit);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new KernelException(Errno.EINVAL, "domain '" + name + "': field 'name': must match "
                    + NAME.pattern());
        }
        for (String key : props.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith("service.") && !key.startsWith("felix.")
                    && !key.startsWith("component.") && !key.startsWith(":")) {
                throw fieldError(name, key, "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        DomainDescriptor d = defaults(name, Placement.COLOCATED);
        Placement placement;
        try {
            placement = Placement.parse(string(props, "placement", "colocated"));
        } catch (KernelException e) {
            throw fieldError(name, "placement", e.getMessage().substring("EINVAL: ".length()));
        }
        List<String> components = list(name, props, "components");
        for (String c : components) {
            if (!NAME.matcher(c).matches()) {
                throw fieldError(name, "components", "'" + c + "' is not a driver name");
            }
        }
        List<String> grants = list(name, props, "grants");
        for (String g : grants) {
            if (!SERVICE.matcher(g).matches()) {
                throw fieldError(name, "grants", "'" + g + "' is not a service interface name");
            }
        }
        int vcpus = (int) number(name, props, "vcpus", d.vcpus, 1, 256);
        long quota = size(name, props, "memory.quota", d.memoryQuota);
        int threads = (int) number(name, props, "threads.max", d.threadsMax, 0, 4096);
        RestartPolicy restart = choice(name, props, "restart", RestartPolicy.values(), d.restart, RestartPolicy::label);
        int intensity = (int) number(name, props, "restart.intensity", d.intensity, 0, 1000);
        int period = (int) number(name, props, "restart.period", d.periodSeconds, 1, 86400);
        long watchdog = number(name, props, "watchdog.ms", d.watchdogMillis, 1, 3_600_000);
        long hold = number(name, props, "hold.ms", d.holdMillis, 0, 3_600_000);
        Ipc ipc = choice(name, props, "ipc", Ipc.values(), d.ipc, Ipc::label);
        return new DomainDescriptor(name, placement, components, vcpus, quota, threads, grants, restart,
                intensity, period, watchdog, hold, ipc);
    }

    private static KernelException fieldError(String domain, String field, String detail) {
        return new KernelException(Errno.EINVAL, "domain " + domain + ": field '" + field + "': " + detail);
    }

    private static String string(Map<String, ?> props, String key, String dflt) {
        Object v = props.get(key);
        return v == null ? dflt : String.valueOf(v).trim();
    }

    private static List<String> list(String domain, Map<String, ?> props, String key) {
        Object v = props.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        } else if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(String.valueOf(Array.get(v, i)).trim());
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(o -> out.add(String.valueOf(o).trim()));
        } else {
            throw fieldError(domain, key, "expected a list of names, got " + v);
        }
        return out;
    }

    private static long number(String domain, Map<String, ?> props, String key, long dflt, long min, long max) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Number num) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw fieldError(domain, key, "'" + v + "' is not a number");
            }
        }
        if (n < min || n > max) {
            throw fieldError(domain, key, n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    private static long size(String domain, Map<String, ?> props, String key, long dflt) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number num) {
            if (num.longValue() < 0) {
                throw fieldError(domain, key, num + " is negative");
            }
            return num.longValue();
        }
        String s = String.valueOf(v).trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("K") || s.endsWith("M") || s.endsWith("G")) {
            unit = switch (s.charAt(s.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw fieldError(domain, key, v + " is negative");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw fieldError(domain, key, "'" + v + "' is not a size (bytes, or a number with K, M or G)");
        }
    }

    private static <E extends Enum<E>> E choice(String domain, Map<String, ?> props, String key, E[] values, E dflt,
            java.util.function.Function<E, String> label) {
        Object v = props.get(key);
        if (v == null) {
            return dflt;
        }
        String s = String.valueOf(v).trim();
        for (E e : values) {
            if (label.apply(e).equals(s)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : values) {
            known.append(known.isEmpty() ? "" : ", ").append(label.apply(e));
        }
        throw fieldError(domain, key, "unknown value '" + s + "' (expected one of " + known + ")");
    }
}
