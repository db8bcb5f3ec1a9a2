package shallownet.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import shallownet.BadInputException;
import shallownet.idx.IdxFile;
import shallownet.idx.LabeledIdxFiles;

/** Reads a range of samples of a validated IDX pair into {@link SampleBlock}s. */
public final class BlockReader {

    /** Samples per block: about 12.5 MB of MNIST pixels, so a partition holds a few blocks. */
    public static final int MAX_BLOCK_SAMPLES = 16_384;

    private BlockReader() {
    }

    /** Samples {@code [first, first + n)} as blocks of at most {@code maxBlock} samples. */
    public static List<SampleBlock> read(Configuration conf, LabeledIdxFiles files, int first, int n,
                                         int maxBlock) throws IOException {
        List<SampleBlock> blocks = new ArrayList<>();
        int ppi = files.pixelsPerImage();
        try (IdxFile.Opened images = IdxFile.open(conf, files.imagesPath(), 3, (long) first * ppi);
             IdxFile.Opened labels = IdxFile.open(conf, files.labelsPath(), 1, first)) {
            checkUnchanged(files, images, labels);
            for (int start = first; start < first + n; start += maxBlock) {
                int m = Math.min(maxBlock, first + n - start);
                byte[] pixels = new byte[m * ppi];
                byte[] lbl = new byte[m];
                IdxFile.readFully(images.in(), pixels, files.imagesPath(), images.header());
                IdxFile.readFully(labels.in(), lbl, files.labelsPath(), labels.header());
                blocks.add(new SampleBlock(start, ppi, pixels, lbl));
            }
        }
        return blocks;
    }

    /** The files are read again inside the tasks; a file replaced since validation is an error. */
    private static void checkUnchanged(LabeledIdxFiles files, IdxFile.Opened images, IdxFile.Opened labels) {
        if (images.header().count() != files.count() || images.header().sizes()[1] != files.rows()
                || images.header().sizes()[2] != files.cols()) {
            throw BadInputException.about(files.imagesPath(), "changed while in use: header now says "
                    + images.header() + ", was validated as [" + files.count() + ", " + files.rows()
                    + ", " + files.cols() + "]");
        }
        if (labels.header().count() != files.count()) {
            throw BadInputException.about(files.labelsPath(), "changed while in use: now holds "
                    + labels.header().count() + " labels, was validated with " + files.count());
        }
    }

    /** The whole pair as one block (the single-process trainer and small commands). */
    public static SampleBlock readAll(Configuration conf, LabeledIdxFiles files) throws IOException {
        List<SampleBlock> blocks = read(conf, files, 0, files.count(), Math.max(1, files.count()));
        return blocks.isEmpty()
                ? new SampleBlock(0, files.pixelsPerImage(), new byte[0], new byte[0])
                : blocks.get(0);
    }
}
