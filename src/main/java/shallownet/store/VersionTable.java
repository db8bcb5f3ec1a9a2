package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import shallownet.model.ModelFiles;

/** A store's versions as an operator reads them: {@code models list}'s table and {@code models show}'s document. */
public final class VersionTable {

    private VersionTable() {
    }

    /**
     * A header, one line per version (status, created, test error, run id, the gate's reason; an
     * incomplete version with its problem), and a footer: who set CURRENT and when.
     */
    public static List<String> lines(ModelStore s) throws IOException {
        Optional<Integer> champion = s.champion();
        List<ObjectNode> promotions = s.promotions();
        List<String> out = new ArrayList<>();
        out.add(String.format("%-8s %-16s %-31s %10s  %-20s %s", "version", "status", "created", "test err %", "run id",
                "gate"));
        for (ModelStore.VersionInfo v : s.versions()) {
            if (!v.complete()) {
                out.add(String.format("%-8s %-16s %s", ModelStore.name(v.version()), "incomplete", v.problem()));
                continue;
            }
            JsonNode st = v.store();
            out.add(String.format("%-8s %-16s %-31s %10.2f  %-20s %s", ModelStore.name(v.version()),
                    PromotionHistory.status(v, champion, promotions), v.metadata().path("created").asText(),
                    v.metadata().path("metrics").path("test_error_pct").asDouble(Double.NaN),
                    st.path("run_id").asText(), st.path("gate").path("reason").asText("-")));
        }
        if (champion.isEmpty()) {
            out.add("no champion yet");
        } else if (!promotions.isEmpty()) {
            // Who set CURRENT, and when: the last change of champion (promotions.jsonl has them all).
            ObjectNode p = promotions.get(promotions.size() - 1);
            out.add(String.format("CURRENT is %s: set by %s at %s by %s@%s%s (was %s): %s",
                    ModelStore.name(champion.get()), PromotionHistory.command(p), p.path("time").asText("?"),
                    p.path("user").asText("?"), p.path("host").asText("?"),
                    p.path("run_id").isTextual() ? " for run " + p.path("run_id").asText() : "",
                    p.path("previous").asText("none"), p.path("reason").asText("")));
        }
        return out;
    }

    /** Version {@code v}: its name, status, the promotions that made or unmade it champion, and its model.json. */
    public static ObjectNode version(ModelStore s, int v) throws IOException {
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
        return out;
    }
}
