package org.anykernel.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.osgi.service.feature.Feature;

/**
 * Finds and reads feature files: a profile name is the classpath resource {@code features/NAME.json} (the
 * {@code features} artifact); anything that ends in {@code .json} or has a path separator is a file.
 */
final class FeatureFiles {
    /** Where profile names are looked up on the classpath. */
    static final String FOLDER = "features/";

    private FeatureFiles() {
    }

    /** Whether the argument names a file rather than a profile. */
    static boolean isPath(String arg) {
        return arg.endsWith(".json") || arg.contains("/") || arg.contains(java.io.File.separator);
    }

    /** Reads the feature a profile argument names. */
    static SourcedFeature load(String arg, ClassLoader resources) {
        if (isPath(arg)) {
            Path file = Path.of(arg);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw ProfileException.invalid("feature file " + arg + " not found");
            } catch (IOException e) {
                throw ProfileException.invalid("cannot read feature file " + arg + ": " + e.getMessage());
            }
            String name = file.getFileName().toString();
            return read(name.endsWith(".json") ? name.substring(0, name.length() - 5) : name, arg, text);
        }
        if (!arg.matches("[A-Za-z0-9._-]+")) {
            throw ProfileException.invalid("bad profile name '" + arg + "'");
        }
        String resource = FOLDER + arg + ".json";
        try (InputStream in = resources.getResourceAsStream(resource)) {
            if (in == null) {
                List<String> known = knownProfiles(resources);
                throw ProfileException.invalid("unknown feature '" + arg + "'"
                        + (known.isEmpty() ? "" : " (known: " + String.join(", ", known) + ")"));
            }
            return read(arg, resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ProfileException.invalid("cannot read profile " + resource + ": " + e.getMessage());
        }
    }

    /** Reads a feature from its JSON text, checking its shape first so errors name the file and the field. */
    static SourcedFeature read(String label, String origin, String json) {
        FeatureShape.check(origin, json);
        if (json.contains("@project.version@")) {
            // a file of features/src/main/features: the build fills in its versions
            throw ProfileException.invalid(origin + " is a feature's source, whose versions the build fills in: "
                    + "name the packaged feature instead ('" + label + "')");
        }
        Feature feature;
        try {
            feature = new FeatureServiceImpl().readFeature(new StringReader(json));
        } catch (IOException | RuntimeException e) {
            // the shape check catches what we know of; this is whatever the feature service still refuses
            throw ProfileException.invalid(origin + ": not a valid feature: " + e.getMessage());
        }
        return new SourcedFeature(feature.getName().orElse(label), origin, feature);
    }

    /** The profile names on the classpath, sorted; empty when they cannot be listed. */
    static List<String> knownProfiles(ClassLoader resources) {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (URL url : java.util.Collections.list(resources.getResources(FOLDER))) {
                names.addAll(list(url));
            }
        } catch (IOException | URISyntaxException e) {
            // only used to make an error message more helpful
        }
        return new ArrayList<>(names);
    }

    private static List<String> list(URL folder) throws IOException, URISyntaxException {
        List<String> out = new ArrayList<>();
        if (folder.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                        .forEach(n -> out.add(n.substring(0, n.length() - 5)));
            }
        } else if (folder.openConnection() instanceof JarURLConnection jar) {
            jar.setUseCaches(false);
            try (JarFile file = jar.getJarFile()) {
                file.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith(FOLDER) && n.endsWith(".json") && n.indexOf('/', FOLDER.length()) < 0)
                        .forEach(n -> out.add(n.substring(FOLDER.length(), n.length() - 5)));
            }
        }
        return out;
    }
}
