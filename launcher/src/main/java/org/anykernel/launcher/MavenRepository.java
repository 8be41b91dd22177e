package org.anykernel.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.service.feature.ID;

/**
 * The local Maven repository, the only place bundles are taken from: a kernel boots offline, from what
 * {@code mvn install} put there.
 */
public final class MavenRepository {
    /** Environment variable naming the repository when {@code -Dmaven.repo.local} is not given. */
    public static final String ENV = "ANYK_M2_REPO";

    private final Path root;

    private MavenRepository(Path root) {
        this.root = root;
    }

    /**
     * The repository the user means: system property {@code maven.repo.local}, else environment variable
     * {@value #ENV}, else {@code ~/.m2/repository}.
     */
    public static MavenRepository local() {
        String dir = System.getProperty("maven.repo.local");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            return at(Path.of(System.getProperty("user.home"), ".m2", "repository"));
        }
        return at(Path.of(dir));
    }

    /** A repository at this directory. */
    public static MavenRepository at(Path root) {
        return new MavenRepository(root.toAbsolutePath().normalize());
    }

    /** The repository's directory. */
    public Path root() {
        return root;
    }

    /** Where the artifact would be, whether or not it is there. */
    public Path path(ID id) {
        String name = id.getArtifactId() + "-" + id.getVersion()
                + id.getClassifier().map(c -> "-" + c).orElse("")
                + "." + id.getType().orElse("jar");
        return root.resolve(id.getGroupId().replace('.', '/'))
                .resolve(id.getArtifactId())
                .resolve(id.getVersion())
                .resolve(name);
    }

    /**
     * The artifact's file.
     *
     * @throws ProfileException of kind {@code MISSING} when it is not in the repository
     */
    public Path resolve(ID id) {
        Path file = path(id);
        if (!Files.isRegularFile(file)) {
            throw new ProfileException(ProfileException.Kind.MISSING, "bundle " + id + " not found in the local Maven repository ("
                    + file + "); run: mvn -q install -DskipTests");
        }
        return file;
    }
}
