package org.anykernel.launcher.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import org.anykernel.launcher.Profile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code anyk features}: every packaged feature, one line each: its name and its description, sorted by name. */
@Command(name = "features", description = "Lists the packaged features (profiles), one line each, with their descriptions.")
final class FeaturesCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Override
    public Integer call() {
        Map<String, String> features = Profile.packaged();
        int width = features.keySet().stream().mapToInt(String::length).max().orElse(0);
        features.forEach((name, description) -> anyk.out.println(
                (description.isEmpty() ? name : String.format("%-" + width + "s  %s", name, description)).stripTrailing()));
        anyk.out.flush();
        return 0;
    }
}
