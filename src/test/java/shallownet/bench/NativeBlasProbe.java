package shallownet.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Which native BLAS netlib's NativeBLAS would call here, if any (the benchmark's BLAS rows). */
final class NativeBlasProbe {

    private NativeBlasProbe() {
    }

    /**
     * The shared library behind libblas.so.3 once NativeBLAS has loaded (e.g. libopenblasp-r0.3.21.so,
     * or Debian's reference libblas.so.3.11.0), or null when NativeBLAS cannot load.
     */
    static String library() {
        try {
            dev.ludovic.netlib.blas.NativeBLAS.getInstance();
        } catch (Throwable notLoadable) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.lastIndexOf('/');
                String file = slash < 0 ? "" : line.substring(slash + 1);
                if (file.contains("openblas") || file.startsWith("libblas") || file.contains("mkl")) {
                    return file;
                }
            }
        } catch (Exception noProcfs) {
            // not Linux: the library is loaded, its name unknown
        }
        return "native libblas";
    }
}
