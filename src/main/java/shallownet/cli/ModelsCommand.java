package shallownet.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import shallownet.run.OutputPaths;
import shallownet.BadInputException;
import shallownet.model.ModelFiles;
import shallownet.store.ModelStore;
import shallownet.store.PromotionHistory;
import shallownet.store.StoreLock;
import shallownet.store.VersionTable;

/** {@code models list|show|promote|rollback}: the versions of a model store and its champion. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List, show, promote or roll back the versions of a model store.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Show.class, ModelsCommand.Promote.class,
                ModelsCommand.Rollback.class})
final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new IllegalArgumentException("models needs a subcommand: list, show VERSION, promote VERSION or rollback");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per version: status, test error, gate, run id.")
    static final class ListVersions implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "Model store directory.") String store;

        @Override
        public Integer call() throws Exception {
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), store);
            for (String d : s.damage()) {
                System.err.println("warning: " + d);
            }
            VersionTable.lines(s).forEach(System.out::println);
            return ExitCode.OK.code();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A version's model.json, status and promotions.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "Model store directory.") String store;

        @Parameters(index = "0", paramLabel = "VERSION", description = "Version number, e.g. 3 or 000003.") String version;

        @Override
        public Integer call() throws Exception {
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), store);
            ObjectNode out = VersionTable.version(s, ModelStore.parseVersion(version));
            System.out.println(ModelFiles.json().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make VERSION the champion "
            + "(an operator's decision: the quality gate is not applied).")
    static final class Promote extends ChampionChange {
        @Parameters(index = "0", paramLabel = "VERSION", description = "Version number, e.g. 3 or 000003.") String version;

        @Option(names = "--reason", defaultValue = "promoted by hand", description = "Why, for the promotion history.") String reason;

        private int v;

        @Override
        void check(ModelStore s) throws Exception {
            v = ModelStore.parseVersion(version);
            s.load(v);
        }

        @Override
        String change(ModelStore s, StoreLock lock) throws Exception {
            ObjectNode p = s.promote(lock, v, "promote", reason);
            return "champion is now " + ModelStore.name(v) + " (was " + p.path("previous").asText("none") + ")";
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Make the previous champion the champion again.")
    static final class Rollback extends ChampionChange {
        @Option(names = "--reason", defaultValue = "rolled back by hand", description = "Why, for the promotion history.") String reason;

        @Override
        String change(ModelStore s, StoreLock lock) throws Exception {
            if (s.repairCurrent(lock)) {
                // The rerun of an interrupted promote or rollback: completing it is this
                // command's whole work (rolling back again would undo the change just made).
                return "completed an interrupted change of champion: champion is now "
                        + ModelStore.name(s.champion().orElseThrow()) + " (the last line of "
                        + ModelStore.PROMOTIONS + "); run rollback again to go back further";
            }
            int previous = PromotionHistory.rollbackTarget(s.promotions()).orElseThrow(
                    () -> BadInputException.about(s.root(), "has no previous champion to roll back to"));
            ObjectNode p = s.promote(lock, previous, "rollback", reason);
            return "champion is now " + ModelStore.name(previous) + " (was " + p.path("previous").asText() + ")";
        }
    }

    /** promote and rollback: a change of champion, made under the store's lock and recorded in its promotions. */
    abstract static class ChampionChange implements Callable<Integer> {
        @Mixin StoreOptions storeOptions;

        /** What can be checked before the lock is taken (a bad version is exit 2 even while the store is locked). */
        void check(ModelStore s) throws Exception {
        }

        /** Makes the change and returns the line that says what it did. */
        abstract String change(ModelStore s, StoreLock lock) throws Exception;

        @Override
        public Integer call() throws Exception {
            new OutputPaths(DriverHadoopConf.get()).store("--store", storeOptions.store);
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), storeOptions.store);
            check(s);
            String name = getClass().getAnnotation(Command.class).name();
            try (StoreLock lock = storeOptions.lock(s, "models " + name).acquire()) {
                System.out.println(change(s, lock));
            }
            return ExitCode.OK.code();
        }
    }
}
