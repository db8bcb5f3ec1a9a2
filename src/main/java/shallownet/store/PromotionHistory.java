package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** The rules read from the promotion history: a version's status, and what a rollback goes back to. */
public final class PromotionHistory {

    private PromotionHistory() {
    }

    /** A version's status: incomplete, champion, former champion, rejected (by the gate) or candidate. */
    public static String status(ModelStore.VersionInfo v, Optional<Integer> champion, List<ObjectNode> promotions) {
        if (!v.complete()) {
            return "incomplete";
        }
        if (champion.isPresent() && champion.get() == v.version()) {
            return "champion";
        }
        String name = ModelStore.name(v.version());
        if (promotions.stream().anyMatch(p -> name.equals(p.path("version").asText()))) {
            return "former champion";
        }
        JsonNode gate = v.store().path("gate");
        return gate.has("passed") && !gate.path("passed").asBoolean() ? "rejected" : "candidate";
    }

    /** The command that made a change of champion (its {@code action}), as its user typed it. */
    public static String command(JsonNode promotion) {
        String action = promotion.path("action").asText("?");
        return switch (action) {
            case "rollback", "promote" -> "models " + action;
            default -> action; // "retrain"
        };
    }

    /**
     * The champion before the current one: promotions are replayed as a stack (a promotion pushes,
     * a rollback pops), so repeated rollbacks walk back through the champions rather than toggle.
     */
    public static Optional<Integer> rollbackTarget(List<ObjectNode> promotions) {
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        for (ObjectNode p : promotions) {
            if ("rollback".equals(p.path("action").asText())) {
                stack.poll();
            } else {
                stack.push(ModelStore.parseVersion(p.path("version").asText()));
            }
        }
        if (stack.size() < 2) {
            return Optional.empty();
        }
        stack.pop();
        return Optional.of(stack.peek());
    }
}
