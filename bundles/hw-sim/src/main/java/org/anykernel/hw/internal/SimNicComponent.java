package org.anykernel.hw.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.anykernel.hw.api.NicController;
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
 * One simulated NIC per factory configuration {@code hw.nic~NAME}: registers a {@link NicController} with the service
 * properties {@code hw.nic.name=NAME}, {@code hw.nic.mac} (text, {@code 02:00:00:00:00:01}) and
 * {@code hw.nic.kernel} (the kernel the NIC belongs to, {@code global} unless configured).
 *
 * <p>The component registers the service itself, after the NIC is open (its wire attached), so a bad configuration
 * registers nothing: activate throws an {@link IllegalArgumentException} whose message names the configuration and
 * the field, e.g. {@code hw.nic~eth0: backend: 'foo' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE}.
 * Deactivation unregisters the service, then closes the NIC (unplugged from its wire, capture closed). A changed
 * configuration replaces the NIC. Without OSGi, use {@link SimNic#open(NicConfig)} and {@link NicConfig#parse}, or
 * {@link org.anykernel.hw.api.SimHardware#nic}.
 */
// registered by hand (not by SCR), so the service capability is declared here for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.anykernel.hw.api.NicController\"",
        uses = NicController.class)
@Component(configurationPid = SimNicComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SimNicComponent.Config.class, factory = true)
public final class SimNicComponent {

    /** The factory PID of NIC configurations. */
    public static final String PID = "hw.nic";
    /** The service property naming the NIC. */
    public static final String NAME_PROPERTY = "hw.nic.name";
    /** The service property with the MAC address as text. */
    public static final String MAC_PROPERTY = "hw.nic.mac";
    /** The service property naming the kernel the NIC belongs to. */
    public static final String KERNEL_PROPERTY = "hw.nic.kernel";

    /** Configuration of one NIC (documentation for metatype; values are parsed by {@link NicConfig#parse}). */
    @ObjectClassDefinition(name = "hw-sim NIC", description = "A simulated Ethernet NIC; one per hw.nic~NAME")
    public @interface Config {
        @AttributeDefinition(required = false, description = "MAC address like 02:00:00:00:00:01; default derived from the name")
        String mac();

        @AttributeDefinition(description = "largest payload of a frame, bytes")
        int mtu() default NicConfig.DEFAULT_MTU;

        @AttributeDefinition(description = "switch:NAME (in-JVM switch), shm:PATH (shared-memory bus file), "
                + "udp:LOCALHOST:PORT>REMOTEHOST:PORT, or udp with udp.local and udp.remote")
        String backend() default NicConfig.DEFAULT_BACKEND;

        @AttributeDefinition(name = "udp.local", required = false, description = "with backend udp: host:port to bind")
        String udp_local();

        @AttributeDefinition(name = "udp.remote", required = false, description = "with backend udp: host:port to send to")
        String udp_remote();

        @AttributeDefinition(name = "rx.ring", description = "frames the receive ring holds")
        int rx_ring() default NicConfig.DEFAULT_RX_RING;

        @AttributeDefinition(required = false, description = "a pcap file to capture every frame to, from the start")
        String pcap();

        @AttributeDefinition(required = false, description = "wire fault plan, like drop=0.01,delay=2ms,seed=7")
        String faults();

        @AttributeDefinition(description = "the kernel the NIC belongs to")
        String kernel() default NicConfig.GLOBAL_KERNEL;
    }

    private SimNic nic;
    private ServiceRegistration<NicController> registration;

    @Activate
    void activate(BundleContext bc, Map<String, Object> props) {
        String name = ConfigValues.nameOf(props, PID);
        SimNic n = SimNic.open(NicConfig.parse(name, props));
        Dictionary<String, Object> sp = new Hashtable<>();
        sp.put(NAME_PROPERTY, name);
        sp.put(MAC_PROPERTY, n.config().macText());
        sp.put(KERNEL_PROPERTY, n.config().kernel());
        try {
            registration = bc.registerService(NicController.class, n, sp);
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        nic = n;
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
            if (nic != null) {
                nic.close();
                nic = null;
            }
        }
    }
}
