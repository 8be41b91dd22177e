package org.anykernel.drivers.blk.sim;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelThreads;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.hw.api.DiskController;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.PrototypeServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Probe and attach: drives every hw-sim {@link DiskController} there is. For each one it resets the controller
 * and registers a {@link BlockDevice} named after the controller's {@code hw.disk.name} (property
 * {@link BlockDevice#NAME}), as a {@link PrototypeServiceFactory}: every consumer (kernel-base's front, each library
 * kernel) gets an instance of its own, with its own handles and interrupt thread, over the one controller they share
 * ({@link DiskPort}). A controller that goes away takes its block device with it (its instances fail what they hold
 * with {@code ENXIO}).
 *
 * <p>The block devices are registered through the bundle context rather than as components because their number
 * follows the controllers (DS has no component per referenced service); kernel-base fronts them like any driver
 * service whose interface carries {@code @KernelService}. Each registration carries a {@code service.pid} of its
 * own ({@code org.anykernel.drivers.blk.sim.sd0}), which is how kernel-base tells the fronts apart across restarts.
 */
// registered by hand (not by SCR), so the service capability is declared here for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.anykernel.dev.api.BlockDevice\"",
        uses = BlockDevice.class)
@Component(service = {}, immediate = true)
public final class BlkSimDriver {
    /** Service property of hw-sim's disk controllers naming the disk. */
    static final String DISK_NAME = "hw.disk.name";
    /** The prefix of the block devices' {@code service.pid}. */
    static final String PID_PREFIX = "org.anykernel.drivers.blk.sim.";

    @Reference
    private KernelThreads threads;
    @Reference
    private KernelMemory memory;

    // guarded by this
    private BundleContext context;
    private final Map<DiskController, Map<String, Object>> waiting = new LinkedHashMap<>();
    private final Map<DiskController, ServiceRegistration<BlockDevice>> attached = new HashMap<>();
    private final Map<DiskController, DiskPort> ports = new HashMap<>();

    @Activate
    synchronized void activate(BundleContext bc) {
        context = bc;
        waiting.forEach(this::attach);
        waiting.clear();
    }

    @Deactivate
    synchronized void deactivate() {
        attached.values().forEach(BlkSimDriver::unregister);
        attached.clear();
        ports.values().forEach(DiskPort::detach);
        ports.clear();
        context = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindDisk(DiskController disk, Map<String, Object> properties) {
        if (context == null) {
            waiting.put(disk, properties);
        } else {
            attach(disk, properties);
        }
    }

    synchronized void unbindDisk(DiskController disk) {
        waiting.remove(disk);
        ServiceRegistration<BlockDevice> r = attached.remove(disk);
        if (r != null) {
            unregister(r);
        }
        DiskPort port = ports.remove(disk);
        if (port != null) {
            port.detach();
        }
    }

    private void attach(DiskController disk, Map<String, Object> properties) {
        Object n = properties.get(DISK_NAME);
        String name = n == null ? disk.info().name() : n.toString();
        if (name.isEmpty() || name.contains("/")) {
            return;
        }
        DiskPort port = new DiskPort(name, disk);
        port.attach();
        ports.put(disk, port);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(BlockDevice.NAME, name);
        p.put("service.pid", PID_PREFIX + name);
        p.put("service.description", "block device " + name + " on hw-sim disk " + disk.info().name());
        attached.put(disk, context.registerService(BlockDevice.class, new Factory(port), p));
    }

    private static void unregister(ServiceRegistration<BlockDevice> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with the bundle
        }
    }

    /** One instance per consumer, over the controller's shared port. */
    private final class Factory implements PrototypeServiceFactory<BlockDevice> {
        private final DiskPort port;

        Factory(DiskPort port) {
            this.port = port;
        }

        @Override
        public BlockDevice getService(Bundle bundle, ServiceRegistration<BlockDevice> registration) {
            return new SimBlockDevice(port, threads, memory);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<BlockDevice> registration, BlockDevice service) {
            ((SimBlockDevice) service).close();
        }
    }
}
