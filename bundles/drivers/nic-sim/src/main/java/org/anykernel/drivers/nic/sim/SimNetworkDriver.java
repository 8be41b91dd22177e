package org.anykernel.drivers.nic.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.NicStats;
import org.anykernel.net.api.NetworkDriver;

/**
 * One network interface over a hw-sim NIC: transmit puts the frame on the NIC's transmit ring; receive waits for
 * the NIC's receive interrupt (bounded) and takes what is in the ring. The NIC copies frames both ways, so no array
 * is shared with the caller.
 */
public final class SimNetworkDriver implements NetworkDriver {
    /** The longest a receive waits, whatever it asks: a call into a driver must end within its watchdog. */
    static final int MAX_WAIT_MS = 1000;

    private final String name;
    private final NicController nic;

    /**
     * @param name the interface name
     * @param nic  the NIC it drives
     */
    public SimNetworkDriver(String name, NicController nic) {
        this.name = name;
        this.nic = nic;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return nic.mtu();
    }

    @Override
    public byte[] hardwareAddress() {
        return nic.mac();
    }

    @Override
    public boolean linkUp() {
        return nic.linkUp();
    }

    @Override
    public boolean transmit(byte[] frame, int len) {
        if (frame == null || len < NicController.HEADER || len > frame.length || len > nic.mtu() + NicController.HEADER) {
            throw new KernelException(Errno.EINVAL, "transmit on " + name,
                    "frame of " + len + " bytes (must be " + NicController.HEADER + ".." + (nic.mtu() + NicController.HEADER) + ")");
        }
        // the array is ours (NetworkDriver.transmit): the NIC takes it whole, without a copy
        return len == frame.length ? nic.transmitOwned(frame) : nic.transmit(frame, 0, len);
    }

    @Override
    public List<byte[]> receive(int max, int timeoutMs) {
        if (max <= 0) {
            throw new KernelException(Errno.EINVAL, "receive on " + name, "max " + max);
        }
        byte[] f = nic.receive();
        if (f == null) {
            try {
                long wait = TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(timeoutMs, MAX_WAIT_MS)));
                if (!nic.awaitReceive(wait)) {
                    return List.of();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(Errno.EINTR, "receive on " + name, "interrupted");
            }
            f = nic.receive();
            if (f == null) {
                return List.of();
            }
        }
        List<byte[]> out = new ArrayList<>(Math.min(max, 16));
        out.add(f);
        while (out.size() < max && (f = nic.receive()) != null) {
            out.add(f);
        }
        return out;
    }

    @Override
    public List<Long> counters() {
        NicStats s = nic.stats();
        return List.of(s.rxPackets(), s.rxBytes(), s.rxDropped(), s.txPackets(), s.txBytes(), s.txDropped());
    }
}
