package shallownet.run;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.HadoopFiles;
import shallownet.SettingWords;
import shallownet.model.ModelFiles;
import shallownet.store.ModelStore;

/**
 * Where a command writes, checked before any work, so that a command that cannot write its
 * results fails in seconds (exit 2) rather than after training, and never replaces what the user
 * did not ask to replace. One instance per command: register its inputs, then each output; an
 * output is refused when (each named by its {@code option}: the caller's name for it, e.g. the flag
 * that gave it)
 * <ul>
 * <li>its name is not a valid Hadoop path, holds a colon (Hadoop cannot name the hidden sibling
 *     the output is written to first), or names no entry of its own ({@code .}, {@code ..});</li>
 * <li>it equals, contains or lies inside an input or another output of the same command;</li>
 * <li>the nearest existing ancestor is a file, or nothing can be created in it;</li>
 * <li>a file output is an existing directory; a model output exists without {@code --overwrite},
 *     or is not a model directory of this format ({@code --overwrite} replaces only a model);
 *     a store output is an existing directory with other content than a store's.</li>
 * </ul>
 * Paths are qualified with the driver's Hadoop file system and compared in every form they have:
 * as written (made absolute, {@code ..} removed) and, when local, resolved through symbolic links.
 * An input directory's entries count as inputs too, by their resolved paths and file identities,
 * so an output never replaces an input whatever the spelling: a link to a data file, a path
 * through a link to the data directory, a hard link, or {@code ..} (issue 25's data loss: a
 * metrics file written over a data directory's link to its test labels).
 */
public final class OutputPaths {

    /**
     * An input or output as the user named it, and the qualified forms it is compared in: as
     * written and resolved through links ({@code keys}); for an input directory, its entries'
     * resolved paths too ({@code entries}), and the file identities (inodes) of all of them.
     */
    private record Named(String option, String given, Set<String> keys, Set<String> entries, Set<Object> fileKeys) {
    }

    private final Configuration conf;
    private final List<Named> inputs = new ArrayList<>();
    private final List<Named> outputs = new ArrayList<>();

    public OutputPaths(Configuration conf) {
        this.conf = conf;
    }

    /** Registers an input that no output may equal, contain or lie inside; null (not given) is ignored. */
    public OutputPaths input(String option, String path) throws IOException {
        if (path != null) {
            inputs.add(named(option, path, true));
        }
        return this;
    }

    /**
     * A file the command writes (replacing a file of that name); null (not given) is ignored.
     * {@code example} is a file name for the message that refuses a directory.
     */
    public Path file(String option, String path, String example) throws IOException {
        if (path == null) {
            return null;
        }
        Path p = checkedName(option, path, true);
        checkOverlaps(option, path, p);
        FileSystem fs = HadoopFiles.of(p, conf);
        FileStatus st = status(fs, p);
        if (st != null && st.isDirectory()) {
            throw BadInputException.about(path, "is a directory; " + option + " takes a file name, e.g. " + example);
        }
        checkCanCreateIn(fs, option, path, p.getParent());
        return p;
    }

    /** A model directory the command writes as a whole; with {@code overwrite} it may replace a model. */
    public Path model(String option, String path, boolean overwrite) throws IOException {
        Path p = checkedName(option, path, true);
        checkOverlaps(option, path, p);
        FileSystem fs = HadoopFiles.of(p, conf);
        FileStatus st = status(fs, p);
        if (st != null && !st.isDirectory()) {
            throw BadInputException.about(path, "exists and is a file, not a model directory; choose another " + option);
        }
        if (st != null && !overwrite) {
            throw BadInputException.about(path, "already exists; choose another " + option + " or pass ",
                    SettingWords.setting("overwrite"));
        }
        if (st != null && !ModelFiles.isModel(fs, p)) {
            throw BadInputException.about(path, "is not a model directory (no " + ModelFiles.METADATA + " of format "
                    + ModelFiles.FORMAT + "); ", SettingWords.setting("overwrite"), " replaces only a model, choose another "
                    + option);
        }
        checkCanCreateIn(fs, option, path, p.getParent());
        return p;
    }

    /** A directory the command adds files to, created when missing (e.g. {@code fetch --to}). */
    public Path directory(String option, String path) throws IOException {
        Path p = checkedName(option, path, false);
        checkOverlaps(option, path, p);
        FileSystem fs = HadoopFiles.of(p, conf);
        FileStatus st = status(fs, p);
        if (st != null && !st.isDirectory()) {
            throw BadInputException.about(path, "is a file; " + option + " takes a directory");
        }
        checkCanCreateIn(fs, option, path, st != null ? p : p.getParent());
        return p;
    }

    /** A model store the command changes: a new or empty directory, or one that holds a store. */
    public Path store(String option, String path) throws IOException {
        Path p = directory(option, path);
        FileSystem fs = HadoopFiles.of(p, conf);
        if (fs.exists(p)) {
            for (FileStatus s : fs.listStatus(p)) {
                if (!ModelStore.isOwnEntry(s.getPath().getName())) {
                    throw BadInputException.about(path, "is not a model store: it holds " + s.getPath().getName()
                            + "; choose a new or empty directory or an existing store for " + option);
                }
            }
        }
        return p;
    }

    private Path checkedName(String option, String path, boolean replacedWhole) {
        if (path.isBlank()) {
            throw new BadInputException(option + " is empty; give a path");
        }
        Path p;
        try {
            p = new Path(path);
        } catch (IllegalArgumentException e) {
            throw BadInputException.about(path, "not a valid path for " + option + " (" + CommandFailure.rootMessage(e) + ")");
        }
        String name = p.getName();
        if (replacedWhole && (name.isEmpty() || name.equals(".") || name.equals(".."))) {
            throw BadInputException.about(path, "names no file or directory of its own; give " + option
                    + " a new name, e.g. " + (path.endsWith("/") ? path : path + "/") + "out");
        }
        if (replacedWhole && name.contains(":")) {
            throw BadInputException.about(path, "the name holds a ':', which Hadoop paths cannot hold; rename " + option);
        }
        return p;
    }

    private void checkOverlaps(String option, String path, Path p) throws IOException {
        Named out = named(option, path, false);
        List<Named> others = new ArrayList<>(inputs);
        others.addAll(outputs);
        for (Named o : others) {
            String role = inputs.contains(o) ? "input" : "output";
            Set<String> theirs = new HashSet<>(o.keys());
            theirs.addAll(o.entries());
            if (!Collections.disjoint(out.keys(), o.keys())) {
                throw BadInputException.about(path, option + " is the same path as the " + role + " " + o.option()
                        + "; choose another " + option);
            }
            if (anyInside(out.keys(), o.keys())) {
                throw BadInputException.about(path, option + " lies inside the " + role + " " + o.option() + " ("
                        + o.given() + "); choose a path outside it");
            }
            if (anyInside(theirs, out.keys())) {
                throw BadInputException.about(path, option + " contains the " + role + " " + o.option() + " ("
                        + o.given() + "); choose a path that does not");
            }
            if (!Collections.disjoint(out.fileKeys(), o.fileKeys()) || !Collections.disjoint(out.keys(), o.entries())) {
                throw BadInputException.about(path, option + " is a file of the " + role + " " + o.option() + " ("
                        + o.given() + "), reached through a link or another name; choose another " + option);
            }
        }
        outputs.add(out);
    }

    /** Whether a key of {@code inner} lies strictly inside a key of {@code outer}. */
    private static boolean anyInside(Set<String> inner, Set<String> outer) {
        for (String i : inner) {
            for (String o : outer) {
                if (i.startsWith(o.endsWith("/") ? o : o + "/") && !i.equals(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The nearest existing ancestor of {@code dir} (or {@code dir}) must be a directory in which a
     * file can be created: tried with a hidden file removed at once, the only answer that holds
     * for every file system, ACLs and the superuser included.
     */
    private void checkCanCreateIn(FileSystem fs, String option, String path, Path dir) throws IOException {
        Path d = dir != null ? dir : fs.getWorkingDirectory();
        FileStatus st = status(fs, d);
        while (st == null && d.getParent() != null) {
            d = d.getParent();
            st = status(fs, d);
        }
        if (st == null) {
            throw BadInputException.about(path, "no ancestor of " + option + " exists");
        }
        if (!st.isDirectory()) {
            throw BadInputException.about(path, d + " is a file, not a directory");
        }
        Path probe = new Path(d, ".shallownet-write-check-" + UUID.randomUUID());
        try {
            fs.create(probe, false).close();
        } catch (IOException | FSError e) {
            throw BadInputException.about(path, "cannot create files in " + d + " (" + CommandFailure.rootMessage(e) + ")");
        } finally {
            try {
                fs.delete(probe, false);
            } catch (IOException ignored) {
                // nothing was created
            }
        }
    }

    /** {@code path}'s forms for comparisons; for an input directory also its entries'. */
    private Named named(String option, String path, boolean input) throws IOException {
        Path p;
        try {
            p = new Path(path);
        } catch (IllegalArgumentException e) {
            throw BadInputException.about(path, "not a valid path for " + option + " (" + CommandFailure.rootMessage(e) + ")");
        }
        FileSystem fs = HadoopFiles.of(p, conf);
        URI u = fs.makeQualified(p).toUri();
        String prefix = u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority());
        Set<String> keys = new LinkedHashSet<>();
        Set<String> entries = new LinkedHashSet<>();
        Set<Object> fileKeys = new HashSet<>();
        if (!"file".equals(u.getScheme())) {
            keys.add(prefix + trimSlash(u.getPath()));
            return new Named(option, path, keys, entries, fileKeys);
        }
        java.nio.file.Path written = java.nio.file.Path.of(u.getPath()).toAbsolutePath().normalize();
        keys.add(prefix + trimSlash(written.toString()));
        keys.add(prefix + trimSlash(new File(u.getPath()).getCanonicalPath()));
        addFileKey(fileKeys, written);
        if (input && Files.isDirectory(written)) {
            try (DirectoryStream<java.nio.file.Path> dir = Files.newDirectoryStream(written)) {
                for (java.nio.file.Path e : dir) {
                    entries.add(prefix + trimSlash(e.toFile().getCanonicalPath()));
                    addFileKey(fileKeys, e);
                }
            } catch (IOException e) {
                // An unreadable input directory: the command itself reports it.
            }
        }
        return new Named(option, path, keys, entries, fileKeys);
    }

    /** The identity (device and inode) of the file {@code p} resolves to, when it exists. */
    private static void addFileKey(Set<Object> keys, java.nio.file.Path p) {
        try {
            Object k = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            if (k != null) {
                keys.add(k);
            }
        } catch (IOException e) {
            // not there (yet): nothing to compare
        }
    }

    private static String trimSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    private static FileStatus status(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }
}
