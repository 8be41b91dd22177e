package org.anykernel.apps.httpd;

import java.nio.charset.StandardCharsets;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.base.api.Kernel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * httpd in the global kernel, configured by {@code httpd} ({@code port}, {@code root}): a process of its own
 * ({@code httpd}, root) serving {@code root} of the kernel's VFS. Starts once the kernel has a network stack with a
 * protocol driver; a start that fails (no net-inet yet) is retried by a background thread for a bounded time.
 */
@Component(configurationPid = "httpd", configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = HttpdComponent.Config.class)
public final class HttpdComponent {
    private static final System.Logger LOG = System.getLogger(HttpdComponent.class.getName());

    /** The configuration. */
    @ObjectClassDefinition(name = "httpd", description = "an HTTP/1.1 server on the kernel's sockets")
    public @interface Config {
        @AttributeDefinition(description = "TCP port")
        int port() default 8080;

        @AttributeDefinition(description = "directory of the kernel's VFS to serve (made if missing)")
        String root() default "/srv";

        @AttributeDefinition(description = "put a hello.txt in the root if it has none")
        boolean hello() default true;
    }

    @Reference
    private Kernel kernel;
    private volatile HttpServer server;
    private volatile boolean stopped;
    private Thread starter;
    private int pid;

    @Activate
    void activate(Config config) {
        pid = kernel.spawn("httpd", Credentials.ROOT);
        starter = Thread.ofPlatform().daemon().name("httpd-start").start(() -> {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!stopped) {
                try {
                    prepare(kernel.posix(pid), config);
                    server = new HttpServer(() -> kernel.posix(pid), config.root(), config.port());
                    LOG.log(System.Logger.Level.INFO, "httpd: serving " + config.root() + " on port " + config.port());
                    return;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        LOG.log(System.Logger.Level.ERROR, "httpd: cannot listen on port " + config.port() + ": "
                                + e.getMessage());
                        return;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    /** Makes the root (and its parents) and, if asked, a hello.txt in it. */
    static void prepare(Posix px, Config config) {
        String root = config.root();
        StringBuilder path = new StringBuilder();
        for (String part : root.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            path.append('/').append(part);
            try {
                px.mkdir(path.toString(), 0755);
            } catch (KernelException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
        }
        if (config.hello()) {
            String f = (root.endsWith("/") ? root : root + "/") + "hello.txt";
            try {
                int fd = px.open(f, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL, 0644);
                try {
                    px.write(fd, "hello from anykernel httpd\n".getBytes(StandardCharsets.UTF_8));
                } finally {
                    px.close(fd);
                }
            } catch (KernelException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        starter.interrupt();
        HttpServer s = server;
        if (s != null) {
            s.close();
        }
        kernel.exit(pid);
    }
}
