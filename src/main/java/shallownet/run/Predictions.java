package shallownet.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.AtomicFile;
import shallownet.BadInputException;
import shallownet.HadoopFiles;
import shallownet.SettingWords;
import shallownet.idx.IdxImages;
import shallownet.image.DigitImage;
import shallownet.model.SavedModel;
import shallownet.net.NetworkKernel;

/**
 * The predict command's work: a model's labels (and, if asked, every class's probability) for an
 * IDX image file, CSV {@code index,label[,p0..]}, or for PNG or JPEG images prepared as MNIST's
 * digits were, CSV {@code index,file,label[,p0..]}. Images are read and predicted a block at a
 * time, so memory stays bounded whatever their count. {@code m} is the model, loaded from
 * {@code model} (named in messages).
 */
public record Predictions(Configuration conf, SavedModel m, String model, boolean probabilities) {

    /** Pixels read per block: bounded memory whatever the image count (4 MB, a multiple of the kernel's chunk at 28x28). */
    public static final int BLOCK_BYTES = 4 << 20;

    /**
     * Writes the predictions of {@code images} (an IDX image file, a PNG or JPEG image, or a
     * directory of them) to the CSV {@code out}, through a hidden sibling renamed into place: a
     * failure (bad input found half-way, a full disk, an interruption) leaves no truncated CSV and
     * keeps a file that was there. Returns how many were written.
     */
    public long write(String images, String out) throws IOException {
        List<Path> pictures = pictures(images);
        if (pictures != null) {
            return predictPictures(images, pictures, out);
        }
        try (IdxImages x = IdxImages.open(conf, images)) {
            if (x.pixelsPerImage() != m.shape().inputs()) {
                throw BadInputException.about(images, "images have " + x.pixelsPerImage() + " pixels, the model "
                        + model + " takes " + m.shape().inputs());
            }
            try (AtomicFile f = AtomicFile.create(conf, out);
                 BufferedWriter w = new BufferedWriter(new OutputStreamWriter(f.stream(), StandardCharsets.UTF_8), 1 << 16)) {
                long written = predictInto(w, x);
                w.flush();
                f.commit();
                return written;
            }
        }
    }

    /** Image files of a file name extension javax.imageio reads. */
    private static boolean pictureName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * The image files {@code --images} names, in name order: the files of a directory, or one file
     * whose name or first bytes are a PNG's or a JPEG's; null for an IDX file (or a missing one:
     * the IDX reader names it). A file that is neither an image nor an IDX file is refused here.
     */
    private List<Path> pictures(String images) throws IOException {
        Path p = new Path(images);
        FileSystem fs = HadoopFiles.of(p, conf);
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
        if (st.isDirectory()) {
            List<Path> files = new ArrayList<>();
            for (FileStatus f : fs.listStatus(p)) {
                if (f.isFile() && pictureName(f.getPath().getName()) && !f.getPath().getName().startsWith(".")) {
                    files.add(f.getPath());
                }
            }
            if (files.isEmpty()) {
                throw BadInputException.about(images, "is a directory without .png, .jpg or .jpeg files; ",
                        SettingWords.setting("images"), " takes an IDX file, an image, or a directory of images");
            }
            files.sort(java.util.Comparator.comparing(Path::getName));
            return files;
        }
        byte[] head = new byte[8];
        int n;
        try (FSDataInputStream in = fs.open(p)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (pictureName(p.getName()) || DigitImage.looksLikeImage(head, n)) {
            return List.of(p);
        }
        boolean idxOrGzip = n >= 2 && (head[0] == 0 && head[1] == 0 || (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b);
        if (!idxOrGzip) {
            throw BadInputException.about(images, "neither a PNG or JPEG image nor an IDX image file (raw or .gz); ",
                    SettingWords.setting("images"), " takes one of those, or a directory of images");
        }
        return null;
    }

    /** Images read one at a time (any size), predicted a block at a time: CSV {@code index,file,label[,p..]}. */
    private long predictPictures(String images, List<Path> files, String out) throws IOException {
        int pixels = DigitImage.SIDE * DigitImage.SIDE;
        if (m.shape().inputs() != pixels) {
            throw BadInputException.about(model, "takes " + m.shape().inputs() + " pixels per image; images are prepared "
                    + "as MNIST's 28x28 (" + pixels + ") digits");
        }
        boolean single = files.size() == 1 && !HadoopFiles.of(new Path(images), conf).getFileStatus(new Path(images)).isDirectory();
        int classes = m.shape().outputs();
        int perBlock = Math.min(files.size(), 1024);
        byte[] block = new byte[perBlock * pixels];
        int[] labels = new int[perBlock];
        float[] probs = probabilities ? new float[perBlock * classes] : null;
        NetworkKernel kernel = NetworkKernel.forThread(m.shape());
        try (AtomicFile f = AtomicFile.create(conf, out);
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(f.stream(), StandardCharsets.UTF_8), 1 << 16)) {
            w.write("index,file,label");
            for (int c = 0; probabilities && c < classes; c++) {
                w.write(",p" + c);
            }
            w.newLine();
            for (int start = 0; start < files.size(); start += perBlock) {
                int n = Math.min(perBlock, files.size() - start);
                for (int i = 0; i < n; i++) {
                    Path file = files.get(start + i);
                    String shown = single ? images : file.toString();
                    try (FSDataInputStream in = file.getFileSystem(conf).open(file)) {
                        System.arraycopy(DigitImage.read(in, shown), 0, block, i * pixels, pixels);
                    }
                }
                kernel.predict(m.params(), block, 0, n, labels, 0, probs);
                for (int i = 0; i < n; i++) {
                    String name = single ? images : files.get(start + i).getName();
                    w.write((start + i) + "," + csvField(name) + "," + labels[i]);
                    for (int c = 0; probabilities && c < classes; c++) {
                        w.write("," + probs[i * classes + c]);
                    }
                    w.newLine();
                }
            }
            w.flush();
            f.commit();
        }
        return files.size();
    }

    /** A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Predicts block after block, writing each block's lines before reading the next. */
    private long predictInto(BufferedWriter w, IdxImages x) throws IOException {
        int classes = m.shape().outputs();
        int perBlock = Math.max(1, Math.min(x.count(), BLOCK_BYTES / x.pixelsPerImage()));
        byte[] pixels = new byte[perBlock * x.pixelsPerImage()];
        int[] labels = new int[perBlock];
        float[] probs = probabilities ? new float[perBlock * classes] : null;
        NetworkKernel kernel = NetworkKernel.forThread(m.shape());
        w.write("index,label");
        for (int c = 0; probabilities && c < classes; c++) {
            w.write(",p" + c);
        }
        w.newLine();
        long index = 0;
        for (int n; (n = x.next(pixels)) > 0; ) {
            kernel.predict(m.params(), pixels, 0, n, labels, 0, probs);
            for (int i = 0; i < n; i++, index++) {
                w.write(index + "," + labels[i]);
                for (int c = 0; probabilities && c < classes; c++) {
                    w.write("," + probs[i * classes + c]);
                }
                w.newLine();
            }
        }
        return index;
    }
}
