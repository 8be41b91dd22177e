package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The dependency rules of DESIGN.md, checked on the manifests bnd computed from the code (so they cannot
 * drift from what the code really imports).
 */
class DependencyRulesTest {

    private static List<String> kernelImports(BuiltBundles.Built b) {
        String own = b.symbolicName().replaceAll("-", "") + ".";
        return b.imports().stream().filter(p -> p.startsWith("org.anykernel.")).filter(p -> !(p + ".").startsWith(own)
                && !p.startsWith(rootPackage(b) + ".") && !p.equals(rootPackage(b))).toList();
    }

    private static String rootPackage(BuiltBundles.Built b) {
        return b.exports().stream().map(p -> p.replaceAll("\\.(api|spi)$", "")).findFirst().orElse(b.symbolicName());
    }

    @Test
    void everyBundleWasBuilt() {
        List<String> names = BuiltBundles.all().stream().map(BuiltBundles.Built::symbolicName).toList();
        for (String expected : List.of("org.anykernel.base", "org.anykernel.dev", "org.anykernel.vfs", "org.anykernel.net",
                "org.anykernel.hw", "org.anykernel.drivers.char-std", "org.anykernel.drivers.blk-sim")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @Test
    void theRulesHold() {
        List<String> violations = new ArrayList<>();
        for (BuiltBundles.Built b : BuiltBundles.all()) {
            String folder = b.folder().replace('\\', '/');
            for (String p : kernelImports(b)) {
                boolean ok;
                if (folder.equals("kernel-base") || folder.equals("hw-sim")) {
                    ok = false;
                } else if (folder.startsWith("faction-")) {
                    ok = p.startsWith("org.anykernel.base.");
                } else if (folder.startsWith("drivers/")) {
                    ok = p.startsWith("org.anykernel.base.") || p.equals("org.anykernel.hw.api")
                            || p.matches("org\\.anykernel\\.(dev|vfs|net)\\.(api|spi)");
                } else {
                    ok = p.matches("org\\.anykernel\\.[a-z]+\\.(api|spi)");
                }
                if (!ok) {
                    violations.add(folder + " imports " + p);
                }
            }
            for (String clause : b.exportClauses()) {
                String pkg = clause.split(";")[0];
                if (!pkg.endsWith(".api") && !pkg.endsWith(".spi")) {
                    violations.add(folder + " exports " + pkg + ", which is neither api nor spi");
                }
                if (!clause.contains("version=")) {
                    violations.add(folder + " exports " + pkg + " without a version");
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckCatchesAViolation() {
        BuiltBundles.Built base = BuiltBundles.all().stream().filter(b -> b.folder().equals("kernel-base")).findFirst()
                .orElseThrow();
        java.util.jar.Manifest m = new java.util.jar.Manifest(base.manifest());
        m.getMainAttributes().putValue("Import-Package", "org.anykernel.dev.api;version=\"[0.1,1)\"");
        assertEquals(List.of("org.anykernel.dev.api"), kernelImports(new BuiltBundles.Built(base.jar(), "kernel-base", m)));
    }
}
