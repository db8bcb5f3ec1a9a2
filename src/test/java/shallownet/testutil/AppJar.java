package shallownet.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The thin application jar as {@code mvn package} shades it (this project's classes and resources
 * from {@code target/classes}, plus picocli), assembled here because {@code mvn test} runs before
 * the package phase. Spark, Scala and Hadoop are not in it: the cluster must provide them, so a
 * class the jar lacks fails the cluster tests as it would fail a user's job.
 */
public final class AppJar {

    private AppJar() {
    }

    public static Path build(Path jar) throws IOException {
        Path classes = StandaloneCluster.projectDir().resolve("target/classes");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "shallownet.cli.Main");
        Files.createDirectories(jar.getParent());
        Set<String> names = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            names.add("META-INF/MANIFEST.MF");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(classes)) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            for (Path f : files) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (names.add(name)) {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            copyClasses(picocliJar(), out, names);
        }
        return jar;
    }

    private static Path picocliJar() {
        try {
            return Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyClasses(Path from, OutputStream to, Set<String> names) throws IOException {
        JarOutputStream out = (JarOutputStream) to;
        try (InputStream in = Files.newInputStream(from); JarInputStream jar = new JarInputStream(in)) {
            for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                String name = e.getName();
                // As the shade plugin's filters: no signatures, no module descriptors.
                if (e.isDirectory() || name.endsWith("module-info.class") || name.matches("META-INF/[^/]*\\.(SF|DSA|RSA)")
                        || !names.add(name)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                jar.transferTo(out);
                out.closeEntry();
            }
        }
    }
}
