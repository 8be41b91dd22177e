package org.anykernel.launcher.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.anykernel.launcher.fs.FsTool;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code anyk fs IMAGE COMMAND [ARGS...]}: fs-utils on an ext2 image through a standalone library kernel (no OSGi
 * framework is started). Everything after the image is the command and its own options.
 */
@Command(name = "fs", description = {"Reads and writes an ext2 image through a library kernel (no framework): ",
        "ls [-l] [-R] [-a], cat, get [-r], put [-r], mkdir [-p], rm [-r] [-f], rmdir, mv, ln [-s], chmod, stat, ",
        "readlink, df, truncate -s SIZE. Commands that only read open the image read-only. ",
        "Exit 0 on success, 1 on an error (anyk fs: CMD: PATH: message (ERRNO)), 2 on bad usage."})
final class FsCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "--placement", paramLabel = "PLACEMENT", defaultValue = "library",
            description = "where the file system driver runs: library (default: a kernel linked in, no framework), "
                    + "colocated (boots the monolithic profile) or isolated (the microkernel profile)")
    private String placement;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image file")
    private Path image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "the command and its arguments")
    private List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        if (!List.of("library", "colocated", "isolated").contains(placement)) {
            anyk.err.println("anyk fs: --placement " + placement + ": must be library, colocated or isolated");
            return FsTool.USAGE;
        }
        return FsTool.run(image, placement, command, anyk.out, anyk.err, Terminal.interactive());
    }
}
