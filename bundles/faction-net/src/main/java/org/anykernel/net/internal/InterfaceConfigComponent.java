package org.anykernel.net.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * One interface configuration, {@code net.if~NAME}: {@code address} ({@code 10.0.0.1/24}), {@code gateway} (a default
 * route, or {@code none}), {@code mtu}, {@code kernel} (default {@code global}), {@code interface} (default NAME).
 * Applied to the interface when it exists, and whenever it attaches again.
 */
@Component(configurationPid = "net.if", configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class InterfaceConfigComponent {
    @Reference
    private NetFaction faction;
    private String pid;

    @Activate
    void activate(Map<String, Object> props) {
        pid = String.valueOf(props.get("service.pid"));
        String n = pid.contains("~") ? pid.substring(pid.indexOf('~') + 1) : pid;
        InterfaceConfigs.Entry e = InterfaceConfigs.parse(n, props);
        faction.configs().put(pid, e);
        NetStack s = faction.of(e.kernel());
        if (s != null) {
            InterfaceConfigs.apply(s, java.util.List.of(e));
        }
    }

    @Deactivate
    void deactivate() {
        faction.configs().remove(pid);
    }
}
