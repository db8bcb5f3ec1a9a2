package shallownet.cli;

import picocli.CommandLine;
import shallownet.ShallownetVersion;

/** {@code --version}: the version from the jar's manifest (or "dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"shallownet " + ShallownetVersion.get()};
    }
}
