package shallownet.cli;

import static shallownet.data.DriverSizing.mb;
import static shallownet.data.DriverSizing.setting;

import java.util.Locale;
import shallownet.data.DriverSizing;

/**
 * {@code DriverSizingMain DATA_DIR DEFAULT_SETTING [--allow-spill]}, run by submit.sh in local mode
 * before spark-submit starts: prints the driver memory setting to use on stdout and, when it differs
 * from the default or refuses, one line on stderr; exit 2 to refuse, 3 when the data cannot be sized
 * (submit.sh keeps the default and the command reports the problem with the files itself). The
 * lines name submit.sh's {@code --allow-spill} and spark-submit's {@code --driver-memory}: what the
 * user types.
 */
public final class DriverSizingMain {

    /** submit.sh's codes: the data do not fit and spilling is not allowed; the data cannot be sized. */
    static final int REFUSED = 2;
    static final int UNSIZED = 3;

    private DriverSizingMain() {
    }

    public static void main(String[] args) {
        String dir = args[0];
        long defaultHeap = DriverSizing.parse(args[1]);
        boolean allowSpill = args.length > 2 && args[2].equals("--allow-spill");
        long bytes;
        try {
            bytes = DriverSizing.dataBytes(DriverHadoopConf.get(), dir);
        } catch (Exception e) {
            System.exit(UNSIZED);
            return;
        }
        DriverSizing.Choice c = DriverSizing.choose(bytes, defaultHeap, DriverSizing.maxLocalHeap(), allowSpill);
        if (c.refused()) {
            System.err.println(message(c, dir));
            System.exit(REFUSED);
        }
        if (c.heap() != defaultHeap) {
            System.err.println(message(c, dir));
        }
        System.out.println(setting(c.heap()));
    }

    /** The line submit.sh prints. */
    static String message(DriverSizing.Choice c, String dir) {
        String sizes = String.format(Locale.ROOT, "the data (%s uncompressed) needs a driver heap of %s to stay "
                + "in memory", mb(c.dataBytes()), setting(c.needed()));
        if (c.refused()) {
            return "error: " + dir + ": " + sizes + ", more than this machine allows (" + setting(c.maxHeap())
                    + ", 3/4 of its physical memory); train on a cluster, or pass --allow-spill to train "
                    + "with part of it on local disk (slower)";
        }
        if (c.heap() < c.needed()) {
            return "submit.sh: " + sizes + "; --allow-spill: using --driver-memory " + setting(c.heap())
                    + " (3/4 of physical memory), the rest goes to local disk";
        }
        return "submit.sh: " + sizes + "; using --driver-memory " + setting(c.heap()) + " (default "
                + setting(c.defaultHeap()) + "; an explicit --driver-memory wins)";
    }
}
