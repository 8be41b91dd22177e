package org.anykernel.base.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Applies the configurations of the booted profile before any driver starts, so that every driver lands
 * in its domain at once instead of moving there when ConfigAdmin gets round to it. The launcher and the
 * Pax Exam support write them to a file named by the framework property {@link #PROPERTY}: a properties
 * file with keys {@code PID/KEY}, and {@code PID/KEY[i]} for the elements of a list.
 */
final class BootConfigurations {
    /** Framework property naming the boot configuration file. */
    static final String PROPERTY = "anykernel.boot.configurations";
    private static final Pattern INDEXED = Pattern.compile("(.*)\\[(\\d+)]");

    private BootConfigurations() {
    }

    /** Reads the file: PID to properties, lists as {@code String[]}. */
    static Map<String, Map<String, Object>> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, file.toString(), "cannot read boot configurations: " + e.getMessage());
        }
        Map<String, Map<String, Object>> out = new TreeMap<>();
        Map<String, TreeMap<Integer, String>> lists = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            int slash = key.indexOf('/');
            if (slash <= 0) {
                throw new KernelException(Errno.EINVAL, file + ": key '" + key + "'", "expected PID/KEY");
            }
            String pid = key.substring(0, slash);
            String k = key.substring(slash + 1);
            Matcher m = INDEXED.matcher(k);
            if (m.matches()) {
                lists.computeIfAbsent(pid + "/" + m.group(1), x -> new TreeMap<>()).put(Integer.parseInt(m.group(2)),
                        p.getProperty(key));
            } else {
                out.computeIfAbsent(pid, x -> new LinkedHashMap<>()).put(k, p.getProperty(key));
            }
        }
        lists.forEach((key, elems) -> {
            int slash = key.indexOf('/');
            out.computeIfAbsent(key.substring(0, slash), x -> new LinkedHashMap<>())
                    .put(key.substring(slash + 1), elems.values().toArray(String[]::new));
        });
        return out;
    }

    /**
     * Applies the file named by the framework property (if any) to ConfigAdmin, and feeds the domain
     * descriptors among it to the manager at once.
     */
    static void apply(BundleContext ctx, DomainManager manager) {
        String path = ctx.getProperty(PROPERTY);
        if (path == null || path.isBlank()) {
            return;
        }
        Map<String, Map<String, Object>> configs = read(Path.of(path));
        ServiceReference<ConfigurationAdmin> ref = ctx.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin cm = ref == null ? null : ctx.getService(ref);
        List<String> domainPids = new ArrayList<>();
        try {
            for (Map.Entry<String, Map<String, Object>> e : configs.entrySet()) {
                String pid = e.getKey();
                if (cm != null) {
                    Configuration c = pid.contains("~")
                            ? cm.getFactoryConfiguration(pid.substring(0, pid.indexOf('~')), pid.substring(pid.indexOf('~') + 1), "?")
                            : cm.getConfiguration(pid, "?");
                    Dictionary<String, Object> d = new Hashtable<>(e.getValue());
                    c.updateIfDifferent(d);
                }
                if (pid.startsWith(DomainDescriptor.FACTORY_PID + "~")) {
                    domainPids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "ConfigAdmin", "cannot store boot configurations: " + e.getMessage());
        } finally {
            if (cm != null) {
                ctx.ungetService(ref);
            }
        }
        for (String pid : domainPids) {
            manager.configure(pid, configs.get(pid));
        }
    }
}
