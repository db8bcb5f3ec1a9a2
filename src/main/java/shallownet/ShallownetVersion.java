package shallownet;

/** The product's version, from the jar's manifest ("dev" when run from classes). */
public final class ShallownetVersion {

    private ShallownetVersion() {
    }

    public static String get() {
        String v = ShallownetVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
