package org.anykernel.launcher.embed;

import java.time.Duration;

import org.anykernel.launcher.MavenRepository;

/**
 * How to boot a profile.
 *
 * @param timeout    bound for each wait: framework start, kernel settled, framework stop
 * @param repository where bundles come from
 */
public record BootOptions(Duration timeout, MavenRepository repository) {

    /** 30 s, the user's local repository. */
    public static BootOptions defaults() {
        return new BootOptions(Duration.ofSeconds(30), MavenRepository.local());
    }
}
