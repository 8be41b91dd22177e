package org.anykernel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;

/** Standalone kernels with nic-sim and net-inet on hw-sim NICs, for the network benchmarks; closes what it made. */
final class NetKernels implements AutoCloseable {
    private final List<LibraryKernel> kernels = new ArrayList<>();
    private final List<NicController> nics = new ArrayList<>();

    /** A kernel with one NIC per entry of {@code nicProperties} (named eth0, eth1...). */
    LibraryKernel kernel(String name, List<Map<String, ?>> nicProperties) {
        Standalone b = Standalone.builder(name).drivers("nic-sim", "net-inet");
        for (int i = 0; i < nicProperties.size(); i++) {
            NicController nic = SimHardware.nic(name + "-eth" + i, nicProperties.get(i));
            nics.add(nic);
            b.hardware(nic, Map.of("hw.nic.name", "eth" + i));
        }
        LibraryKernel k = b.build();
        kernels.add(k);
        return k;
    }

    /** A kernel with one NIC on in-JVM switch {@code sw}, at {@code address} (with prefix). */
    LibraryKernel onSwitch(String name, String sw, String address) {
        return onSwitch(name, sw, address, 1500);
    }

    /** The same with the NIC's MTU. */
    LibraryKernel onSwitch(String name, String sw, String address, int mtu) {
        LibraryKernel k = kernel(name, List.of(Map.of("backend", "switch:" + sw, "mtu", mtu)));
        k.posix().netctl("ifconfig eth0 " + address + " up");
        return k;
    }

    /** An ICMP echo socket of {@code px}, with a receive timeout. */
    static int pingSocket(Posix px, int ttl) {
        int fd = px.socket(Net.AF_INET, Net.SOCK_DGRAM, Net.IPPROTO_ICMP);
        byte[] tv = new byte[16];
        tv[0] = 5;
        px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
        px.setsockopt(fd, Net.IPPROTO_IP, Net.IP_TTL, ttl);
        return fd;
    }

    /** One echo request and its reply; returns the reply's length. */
    static int ping(Posix px, int fd, byte[] to, byte[] req, byte[] buf, int seq) {
        req[0] = 8;
        req[6] = (byte) (seq >>> 8);
        req[7] = (byte) seq;
        px.sendto(fd, req, 0, req.length, 0, to);
        while (true) {
            int n = px.recvfrom(fd, buf, 0, buf.length, 0, null);
            if (n >= 8 && buf[0] == 0 && buf[6] == req[6] && buf[7] == req[7]) {
                return n;
            }
        }
    }

    static byte[] to(String address) {
        return InetAddr.of(address, 0).toSockaddr();
    }

    @Override
    public void close() {
        for (int i = kernels.size() - 1; i >= 0; i--) {
            kernels.get(i).close();
        }
        nics.forEach(SimHardware::powerOff);
        kernels.clear();
        nics.clear();
    }
}
