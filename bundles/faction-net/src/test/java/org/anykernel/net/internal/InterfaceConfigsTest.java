package org.anykernel.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig;
import org.junit.jupiter.api.Test;

/** Interface configurations ({@code net.if~NAME}) as ConfigAdmin gives them: good ones and one-line errors. */
class InterfaceConfigsTest {
    @Test
    void aFullConfiguration() {
        InterfaceConfigs.Entry e = InterfaceConfigs.parse("eth0",
                Map.of("address", "10.9.0.2/24", "gateway", "10.9.0.1", "mtu", "1400", "kernel", "peer"));
        assertEquals("peer", e.kernel());
        assertEquals("eth0", e.ifname());
        assertEquals(new NetConfig.IfAddr(InetAddr.parse("10.9.0.2"), 24), e.address());
        assertEquals(InetAddr.parse("10.9.0.1"), e.gateway());
        assertEquals(1400, e.mtu());
    }

    @Test
    void defaultsAndNoGateway() {
        InterfaceConfigs.Entry e = InterfaceConfigs.parse("eth1", Map.of("gateway", "none"));
        assertEquals("global", e.kernel());
        assertNull(e.address());
        assertEquals(0, e.gateway());
        assertEquals(0, e.mtu());
    }

    @Test
    void badValuesAreOneLineErrorsNamingTheConfigurationAndField() {
        assertEquals("net.if~eth0: address: '10.0.0.1' needs a prefix length (10.0.0.1/24)", message(
                Map.of("address", "10.0.0.1")));
        assertEquals("net.if~eth0: address: prefix length 40 outside 0..32", message(Map.of("address", "10.0.0.1/40")));
        assertEquals("net.if~eth0: gateway: '10.0.0.300' is not an IPv4 address (a.b.c.d)", message(
                Map.of("gateway", "10.0.0.300")));
        assertEquals("net.if~eth0: mtu: 'big' is not a number", message(Map.of("mtu", "big")));
    }

    private static String message(Map<String, ?> props) {
        return assertThrows(IllegalArgumentException.class, () -> InterfaceConfigs.parse("eth0", props)).getMessage();
    }
}
