package org.anykernel.hw.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.anykernel.hw.api.DiskController;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One simulated disk per factory configuration {@code hw.disk~NAME}: registers a {@link DiskController} with
 * the service property {@code hw.disk.name=NAME} (and {@code hw.disk.sectors}, {@code hw.disk.read.only}).
 *
 * <p>The component registers the service itself, after the disk is open, so a bad configuration registers
 * nothing: activate throws an {@link IllegalArgumentException} whose message names the configuration and the
 * field (Service Component Runtime logs it), e.g. {@code hw.disk~sd0: size: '64Q' is not a size (bytes, or a
 * number with K, M, G or T)}. Deactivation unregisters the service, then shuts the disk down (queued requests
 * complete ABORTED, the write cache is written back, the image file is closed). A changed configuration
 * replaces the disk (deactivate, then activate with the new values). Without OSGi, use
 * {@link SimDisk#open(DiskConfig)} and {@link DiskConfig#parse} directly.
 */
// registered by hand (not by SCR), so the service capability is declared here for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.anykernel.hw.api.DiskController\"",
        uses = DiskController.class)
@Component(configurationPid = SimDiskComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SimDiskComponent.Config.class, factory = true)
public final class SimDiskComponent {

    /** The factory PID of disk configurations. */
    public static final String PID = "hw.disk";
    /** The service property naming the disk. */
    public static final String NAME_PROPERTY = "hw.disk.name";

    /** Configuration of one disk (documentation for metatype; values are parsed by {@link DiskConfig#parse}). */
    @ObjectClassDefinition(name = "hw-sim disk", description = "A simulated disk controller; one per hw.disk~NAME")
    public @interface Config {
        @AttributeDefinition(description = "'memory', or the path of an image file")
        String backing() default "memory";

        @AttributeDefinition(required = false, description = "bytes, or with a K/M/G/T suffix; required for memory; default the image file's size")
        String size();

        @AttributeDefinition(name = "read.only", description = "refuse writes (EROFS)")
        boolean read_only() default false;

        @AttributeDefinition(name = "latency.us", description = "per-request latency in microseconds (0: off)")
        long latency_us() default 0;

        @AttributeDefinition(name = "bandwidth.mbps", description = "transfer bandwidth in megabytes (10^6) per second (0: unlimited)")
        double bandwidth_mbps() default 0;

        @AttributeDefinition(name = "queue.depth", description = "requests outstanding at most")
        int queue_depth() default DiskConfig.DEFAULT_QUEUE_DEPTH;

        @AttributeDefinition(name = "write.cache", description = "a volatile write cache (FLUSH and FUA make writes durable)")
        boolean write_cache() default true;

        @AttributeDefinition(name = "cache.size", description = "dirty bytes the write cache holds before writing back on its own")
        String cache_size() default "64M";

        @AttributeDefinition(name = "flush.sync", description = "FLUSH and FUA also force the image file to the host's storage")
        boolean flush_sync() default false;

        @AttributeDefinition(description = "seed of the latency jitter")
        long seed() default 0;
    }

    private SimDisk disk;
    private ServiceRegistration<DiskController> registration;

    @Activate
    void activate(BundleContext bc, Map<String, Object> props) {
        String name = ConfigValues.nameOf(props, PID);
        SimDisk d = SimDisk.open(DiskConfig.parse(name, props));
        Dictionary<String, Object> sp = new Hashtable<>();
        sp.put(NAME_PROPERTY, name);
        sp.put("hw.disk.sectors", d.info().sectors());
        sp.put("hw.disk.read.only", d.info().readOnly());
        try {
            registration = bc.registerService(DiskController.class, d, sp);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        disk = d;
    }

    @Deactivate
    void deactivate() {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } catch (IllegalStateException e) {
            // already gone with the bundle
        } finally {
            registration = null;
            if (disk != null) {
                disk.close();
                disk = null;
            }
        }
    }
}
