package org.anykernel.launcher.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import org.anykernel.launcher.FeatureCatalog;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code anyk features}: every packaged feature, one line each: its name and its description, sorted by name. */
@Command(name = "features", description = "Lists the packaged features, one line each: profiles (whole kernels) and components (with the features they need), with their descriptions.")
final class FeaturesCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Override
    public Integer call() {
        Map<String, FeatureCatalog.Entry> features = FeatureCatalog.packaged().entries();
        int width = features.keySet().stream().mapToInt(String::length).max().orElse(0);
        features.forEach((name, e) -> {
            String text = (e.profile() ? "[profile] " : "") + e.description()
                    + (e.requires().isEmpty() ? "" : " (needs " + String.join(", ", e.requires()) + ")");
            anyk.out.println(String.format("%-" + width + "s  %s", name, text).stripTrailing());
        });
        anyk.out.flush();
        return 0;
    }
}
