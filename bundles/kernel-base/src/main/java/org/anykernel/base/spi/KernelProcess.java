package org.anykernel.base.spi;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.ProcessInfo;

/** A process: who it is, where it is, what it has open. Syscall handlers receive it. */
public final class KernelProcess {
    private final int pid;
    private final String name;
    private final KernelContext kernel;
    private final FdTable fds = new FdTable();
    private volatile Credentials credentials;
    private volatile String cwd = "/";
    private volatile int umask = 022;

    public KernelProcess(int pid, String name, Credentials credentials, KernelContext kernel) {
        this.pid = pid;
        this.name = name;
        this.credentials = credentials;
        this.kernel = kernel;
    }

    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    /** The kernel this process lives in. */
    public KernelContext kernel() {
        return kernel;
    }

    public FdTable fds() {
        return fds;
    }

    public Credentials credentials() {
        return credentials;
    }

    public void setCredentials(Credentials c) {
        this.credentials = c;
    }

    public String cwd() {
        return cwd;
    }

    public void setCwd(String cwd) {
        this.cwd = cwd;
    }

    public int umask() {
        return umask;
    }

    /** Sets the mask and returns the old one. */
    public int setUmask(int mask) {
        int old = umask;
        umask = mask & 0777;
        return old;
    }

    /** A snapshot for listings. */
    public ProcessInfo info() {
        return new ProcessInfo(pid, name, credentials, cwd, umask, fds.size());
    }
}
