package org.anykernel.net.internal;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One thread for the JVM that runs every kernel's protocol timers, every {@link #TICK_MS} ms (BSD's fast timeout;
 * delayed acknowledgements and retransmissions are timed within the protocol, against the clock it is given), and
 * once a second the slow work (link states). It runs while some kernel has a network stack.
 */
final class NetTimer {
    private static final System.Logger LOG = System.getLogger(NetTimer.class.getName());
    /** The tick, ms. */
    static final int TICK_MS = 10;
    private static final CopyOnWriteArrayList<NetStack> STACKS = new CopyOnWriteArrayList<>();
    private static Thread thread;

    private NetTimer() {
    }

    static synchronized void add(NetStack s) {
        STACKS.add(s);
        if (thread == null) {
            thread = new Thread(NetTimer::run, "net-timer");
            thread.setDaemon(true);
            thread.start();
        }
    }

    static synchronized void remove(NetStack s) {
        STACKS.remove(s);
    }

    private static void run() {
        long lastSlow = 0;
        while (true) {
            synchronized (NetTimer.class) {
                if (STACKS.isEmpty()) {
                    thread = null;
                    return;
                }
            }
            long now = System.nanoTime();
            boolean slow = now - lastSlow >= 1_000_000_000L;
            if (slow) {
                lastSlow = now;
            }
            for (NetStack s : STACKS) {
                try {
                    s.tick(now, slow);
                } catch (RuntimeException e) {
                    // one kernel's failure must not stop the others' timers
                    LOG.log(System.Logger.Level.WARNING, "kernel " + s.name() + ": network timer: " + e, e);
                }
            }
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
