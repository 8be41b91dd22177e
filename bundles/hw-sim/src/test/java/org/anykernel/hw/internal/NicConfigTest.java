package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.anykernel.hw.api.WireFaultPlan;
import org.junit.jupiter.api.Test;

/** Parsing {@code hw.nic~NAME} properties, and the messages of bad ones. */
class NicConfigTest {

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String error(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> NicConfig.parse("eth0", props(kv))).getMessage();
    }

    @Test
    void defaults() {
        NicConfig c = NicConfig.parse("eth0", props());
        assertEquals("eth0", c.name());
        assertEquals(1500, c.mtu());
        assertEquals(new NicConfig.SwitchBackend("sw0"), c.backend());
        assertEquals(1024, c.rxRing());
        assertNull(c.pcap());
        assertEquals(WireFaultPlan.NONE, c.faults());
        assertEquals("global", c.kernel());
        assertTrue(c.macText().startsWith("02:"), c.macText());
        assertEquals(c.mac(), NicConfig.parse("eth0", props()).mac(), "derived from the name: stable");
        assertNotEquals(c.mac(), NicConfig.parse("eth1", props()).mac());
        assertNotEquals(c.mac(), NicConfig.parse("eth0", props("kernel", "k1")).mac(), "eth0 of two kernels differ");
        assertEquals(0x02, c.macBytes()[0]);
    }

    @Test
    void values() {
        NicConfig c = NicConfig.parse("eth1", props("mac", "02:00:00:AB:cd:01", "mtu", 9000, "backend", "shm:/tmp/bus0",
                "rx.ring", "64", "pcap", "/tmp/eth1.pcap", "faults", "drop=0.5,seed=3", "kernel", "k2"));
        assertEquals(0x020000abcd01L, c.mac());
        assertEquals("02:00:00:ab:cd:01", c.macText());
        assertArrayEquals(new byte[] {2, 0, 0, (byte) 0xab, (byte) 0xcd, 1}, c.macBytes());
        assertEquals(9000, c.mtu());
        assertEquals(new NicConfig.ShmBackend(Path.of("/tmp/bus0")), c.backend());
        assertEquals(64, c.rxRing());
        assertEquals(Path.of("/tmp/eth1.pcap"), c.pcap());
        assertEquals(0.5, c.faults().drop());
        assertEquals("k2", c.kernel());

        NicConfig.UdpBackend u = assertInstanceOf(NicConfig.UdpBackend.class,
                NicConfig.parse("tap0", props("backend", "udp:127.0.0.1:9000>127.0.0.1:9001")).backend());
        assertEquals(new InetSocketAddress("127.0.0.1", 9000), u.local());
        assertEquals(new InetSocketAddress("127.0.0.1", 9001), u.remote());
        assertEquals("udp:127.0.0.1:9000>127.0.0.1:9001", u.toString());
        NicConfig.UdpBackend u2 = assertInstanceOf(NicConfig.UdpBackend.class, NicConfig.parse("tap0",
                props("backend", "udp", "udp.local", "127.0.0.1:9000", "udp.remote", "[::1]:9001")).backend());
        assertEquals(new InetSocketAddress("::1", 9001), u2.remote());
        assertEquals("udp:127.0.0.1:9000>[0:0:0:0:0:0:0:1]:9001", u2.toString());
        assertEquals("switch:lan", NicConfig.parse("e", props("backend", "switch:lan")).backend().toString());
    }

    @Test
    void badValuesNameTheNicAndTheField() {
        assertEquals("hw.nic~eth0: backend: 'foo' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE", error("backend", "foo"));
        assertEquals("hw.nic~eth0: backend: 'switch:' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE", error("backend", "switch:"));
        assertEquals("hw.nic~eth0: backend: 'udp:127.0.0.1:9000' is not switch:NAME, shm:PATH or udp:LOCAL>REMOTE",
                error("backend", "udp:127.0.0.1:9000"));
        assertEquals("hw.nic~eth0: backend: '127.0.0.1' is not host:port", error("backend", "udp:127.0.0.1>127.0.0.1:9"));
        assertEquals("hw.nic~eth0: backend: '127.0.0.1:70000': port '70000' is not in [0, 65535]",
                error("backend", "udp:127.0.0.1:9000>127.0.0.1:70000"));
        assertEquals("hw.nic~eth0: udp.local: required with backend udp (host:port)", error("backend", "udp", "udp.remote", "127.0.0.1:1"));
        assertEquals("hw.nic~eth0: udp.remote: required with backend udp (host:port)", error("backend", "udp", "udp.local", "127.0.0.1:1"));
        assertEquals("hw.nic~eth0: mac: '02:00:00:00:01' is not a MAC address (six hex bytes like 02:00:00:00:00:01)",
                error("mac", "02:00:00:00:01"));
        assertEquals("hw.nic~eth0: mac: '02:00:00:00:00:zz' is not a MAC address (six hex bytes like 02:00:00:00:00:01)",
                error("mac", "02:00:00:00:00:zz"));
        assertEquals("hw.nic~eth0: mac: '01:00:5e:00:00:01' is a multicast address, not a NIC's", error("mac", "01:00:5e:00:00:01"));
        assertEquals("hw.nic~eth0: mtu: 67 is out of range [68, 65000]", error("mtu", 67));
        assertEquals("hw.nic~eth0: mtu: 'big' is not a whole number", error("mtu", "big"));
        assertEquals("hw.nic~eth0: rx.ring: 0 is out of range [1, 1048576]", error("rx.ring", "0"));
        assertEquals("hw.nic~eth0: faults: 'drop=2': 2 is not a probability in [0, 1]", error("faults", "drop=2"));
        assertEquals("hw.nic~eth0: kernel: empty (a kernel's name, or global)", error("kernel", " "));
    }

    @Test
    void anUnknownHostIsNamed() {
        String m = error("backend", "udp:no-such-host.invalid:9000>127.0.0.1:9001");
        assertTrue(m.startsWith("hw.nic~eth0: backend: 'no-such-host.invalid:9000': unknown host no-such-host.invalid"), m);
    }
}
