package org.anykernel.drivers.fs.ext2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host command with a timeout, capturing stdout and stderr together. */
final class Proc {
    record Result(int exit, String output) {
    }

    private Proc() {
    }

    static Result run(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ext2-proc", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                            "/dev/null")));
            pb.environment().put("PATH", "/usr/sbin:/sbin:/usr/bin:/bin");
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + ": no exit within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs and requires exit code 0. */
    static String ok(long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Result r = run(timeoutSeconds, cmd);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }
}
