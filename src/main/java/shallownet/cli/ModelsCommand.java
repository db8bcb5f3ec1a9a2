package shallownet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
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
        @Option(names = "--store", required = true, description = "Model store directory.")
        String store;

        @Override
        public Integer call() throws Exception {
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), store);
            for (String d : s.damage()) {
                System.err.println("warning: " + d);
            }
            Optional<Integer> champion = s.champion();
            List<ObjectNode> promotions = s.promotions();
            System.out.printf("%-8s %-16s %-31s %10s  %-20s %s%n", "version", "status", "created", "test err %", "run id", "gate");
            for (ModelStore.VersionInfo v : s.versions()) {
                if (!v.complete()) {
                    System.out.printf("%-8s %-16s %s%n", ModelStore.name(v.version()), "incomplete", v.problem());
                    continue;
                }
                JsonNode st = v.store();
                System.out.printf("%-8s %-16s %-31s %10.2f  %-20s %s%n", ModelStore.name(v.version()),
                        PromotionHistory.status(v, champion, promotions), v.metadata().path("created").asText(),
                        v.metadata().path("metrics").path("test_error_pct").asDouble(Double.NaN),
                        st.path("run_id").asText(), st.path("gate").path("reason").asText("-"));
            }
            if (champion.isEmpty()) {
                System.out.println("no champion yet");
            } else if (!promotions.isEmpty()) {
                // Who set CURRENT, and when: the last change of champion (promotions.jsonl has them all).
                ObjectNode p = promotions.get(promotions.size() - 1);
                System.out.printf("CURRENT is %s: set by %s at %s by %s@%s%s (was %s): %s%n",
                        ModelStore.name(champion.get()), PromotionHistory.command(p), p.path("time").asText("?"),
                        p.path("user").asText("?"), p.path("host").asText("?"),
                        p.path("run_id").isTextual() ? " for run " + p.path("run_id").asText() : "",
                        p.path("previous").asText("none"), p.path("reason").asText(""));
            }
            return ExitCode.OK.code();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A version's model.json, status and promotions.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--store", required = true, description = "Model store directory.")
        String store;

        @Parameters(index = "0", paramLabel = "VERSION", description = "Version number, e.g. 3 or 000003.")
        String version;

        @Override
        public Integer call() throws Exception {
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), store);
            int v = ModelStore.parseVersion(version);
            ObjectNode meta = s.load(v).metadata();
            ObjectNode out = ModelFiles.json().createObjectNode();
            out.put("version", ModelStore.name(v));
            out.put("status", PromotionHistory.status(s.info(v), s.champion(), s.promotions()));
            var promos = out.putArray("promotions");
            for (ObjectNode p : s.promotions()) {
                if (ModelStore.name(v).equals(p.path("version").asText()) || ModelStore.name(v).equals(p.path("previous").asText())) {
                    promos.add(p);
                }
            }
            out.set("model", meta);
            System.out.println(ModelFiles.json().writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make VERSION the champion "
            + "(an operator's decision: the quality gate is not applied).")
    static final class Promote implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Parameters(index = "0", paramLabel = "VERSION", description = "Version number, e.g. 3 or 000003.")
        String version;

        @Option(names = "--reason", defaultValue = "promoted by hand", description = "Why, for the promotion history.")
        String reason;

        @Override
        public Integer call() throws Exception {
            new OutputPaths(DriverHadoopConf.get()).store("--store", storeOptions.store);
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), storeOptions.store);
            int v = ModelStore.parseVersion(version);
            s.load(v);
            try (StoreLock lock = storeOptions.lock(s, "models promote").acquire()) {
                ObjectNode p = s.promote(lock, v, "promote", reason);
                System.out.println("champion is now " + ModelStore.name(v) + " (was " + p.path("previous").asText("none") + ")");
            }
            return ExitCode.OK.code();
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Make the previous champion the champion again.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        StoreOptions storeOptions;

        @Option(names = "--reason", defaultValue = "rolled back by hand", description = "Why, for the promotion history.")
        String reason;

        @Override
        public Integer call() throws Exception {
            new OutputPaths(DriverHadoopConf.get()).store("--store", storeOptions.store);
            ModelStore s = ModelStore.at(DriverHadoopConf.get(), storeOptions.store);
            try (StoreLock lock = storeOptions.lock(s, "models rollback").acquire()) {
                if (s.repairCurrent(lock)) {
                    // The rerun of an interrupted promote or rollback: completing it is this
                    // command's whole work (rolling back again would undo the change just made).
                    System.out.println("completed an interrupted change of champion: champion is now "
                            + ModelStore.name(s.champion().orElseThrow()) + " (the last line of "
                            + ModelStore.PROMOTIONS + "); run rollback again to go back further");
                    return ExitCode.OK.code();
                }
                int previous = PromotionHistory.rollbackTarget(s.promotions()).orElseThrow(
                        () -> BadInputException.about(s.root(), "has no previous champion to roll back to"));
                ObjectNode p = s.promote(lock, previous, "rollback", reason);
                System.out.println("champion is now " + ModelStore.name(previous) + " (was " + p.path("previous").asText() + ")");
            }
            return ExitCode.OK.code();
        }
    }
}
