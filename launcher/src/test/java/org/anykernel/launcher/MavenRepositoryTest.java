package org.anykernel.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.feature.ID;

class MavenRepositoryTest {
    @TempDir
    Path dir;

    private final FeatureServiceImpl ids = new FeatureServiceImpl();

    @Test
    void usesTheMavenLayout() throws Exception {
        MavenRepository repo = MavenRepository.at(dir);
        ID id = ids.getIDfromMavenCoordinates("org.anykernel:kernel-base:0.1.0-SNAPSHOT");
        Path expected = dir.resolve("org/anykernel/kernel-base/0.1.0-SNAPSHOT/kernel-base-0.1.0-SNAPSHOT.jar");
        assertEquals(expected, repo.path(id));
        Files.createDirectories(expected.getParent());
        Files.createFile(expected);
        assertEquals(expected, repo.resolve(id));
    }

    @Test
    void missingArtifactSaysHowToBuildIt() {
        ID id = ids.getIDfromMavenCoordinates("g.h:a:1");
        ProfileException e = assertThrows(ProfileException.class, () -> MavenRepository.at(dir).resolve(id));
        assertEquals(ProfileException.Kind.MISSING, e.kind());
        assertEquals("bundle g.h:a:1 not found in the local Maven repository (" + dir.resolve("g/h/a/1/a-1.jar")
                + "); run: mvn -q install -DskipTests", e.getMessage());
    }
}
