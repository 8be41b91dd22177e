package org.anykernel.drivers.nic.sim;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.anykernel.hw.api.NicController;
import org.anykernel.net.api.NetworkDriver;
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
 * Probe and attach: drives every hw-sim {@link NicController} there is, registering a {@link NetworkDriver} per NIC
 * named after its {@code hw.nic.name} (property {@link NetworkDriver#NAME}) and belonging to the kernel its
 * {@code hw.nic.kernel} names ({@link NetworkDriver#KERNEL}), as a {@link PrototypeServiceFactory} like blk-sim's
 * block devices: every consumer gets an instance of its own (only the kernel the NIC belongs to pulls frames from
 * it). Each registration has a {@code service.pid} of its own ({@code org.anykernel.drivers.nic.sim.eth0}), which is
 * how kernel-base tells the fronts apart across restarts.
 */
// registered by hand (not by SCR), so the service capability is declared here for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.anykernel.net.api.NetworkDriver\"",
        uses = NetworkDriver.class)
@Component(service = {}, immediate = true)
public final class NicSimDriver {
    /** Service property of hw-sim's NICs naming the NIC. */
    static final String NIC_NAME = "hw.nic.name";
    /** Service property of hw-sim's NICs naming the kernel it belongs to. */
    static final String NIC_KERNEL = "hw.nic.kernel";
    /** The prefix of the interfaces' {@code service.pid}. */
    static final String PID_PREFIX = "org.anykernel.drivers.nic.sim.";

    // guarded by this
    private BundleContext context;
    private final Map<NicController, Map<String, Object>> waiting = new LinkedHashMap<>();
    private final Map<NicController, ServiceRegistration<NetworkDriver>> attached = new HashMap<>();

    @Activate
    synchronized void activate(BundleContext bc) {
        context = bc;
        waiting.forEach(this::attach);
        waiting.clear();
    }

    @Deactivate
    synchronized void deactivate() {
        attached.values().forEach(NicSimDriver::unregister);
        attached.clear();
        context = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindNic(NicController nic, Map<String, Object> properties) {
        if (context == null) {
            waiting.put(nic, properties);
        } else {
            attach(nic, properties);
        }
    }

    synchronized void unbindNic(NicController nic) {
        waiting.remove(nic);
        ServiceRegistration<NetworkDriver> r = attached.remove(nic);
        if (r != null) {
            unregister(r);
        }
    }

    private void attach(NicController nic, Map<String, Object> properties) {
        Object n = properties.get(NIC_NAME);
        String name = n == null ? nic.name() : n.toString();
        if (name.isEmpty() || name.contains("/")) {
            return;
        }
        Object k = properties.get(NIC_KERNEL);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(NetworkDriver.NAME, name);
        p.put(NetworkDriver.KERNEL, k == null ? "global" : k.toString());
        p.put("service.pid", PID_PREFIX + name);
        p.put("service.description", "network interface " + name + " on hw-sim NIC " + nic.name());
        attached.put(nic, context.registerService(NetworkDriver.class, new Factory(name, nic), p));
    }

    private static void unregister(ServiceRegistration<NetworkDriver> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with the bundle
        }
    }

    /** One instance per consumer. */
    private static final class Factory implements PrototypeServiceFactory<NetworkDriver> {
        private final String name;
        private final NicController nic;

        Factory(String name, NicController nic) {
            this.name = name;
            this.nic = nic;
        }

        @Override
        public NetworkDriver getService(Bundle bundle, ServiceRegistration<NetworkDriver> registration) {
            return new SimNetworkDriver(name, nic);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<NetworkDriver> registration, NetworkDriver service) {
            // nothing held: the NIC belongs to hw-sim
        }
    }
}
