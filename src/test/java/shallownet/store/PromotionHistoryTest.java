package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import shallownet.model.ModelFiles;

/** The rules read from the promotion history, without a store on disk. */
class PromotionHistoryTest {

    private static ObjectNode promotion(String action, int version) {
        ObjectNode p = ModelFiles.json().createObjectNode();
        p.put("action", action);
        p.put("version", ModelStore.name(version));
        return p;
    }

    private static ModelStore.VersionInfo version(int v, Boolean gatePassed) {
        ObjectNode meta = ModelFiles.json().createObjectNode();
        if (gatePassed != null) {
            meta.putObject("store").putObject("gate").put("passed", gatePassed);
        }
        return new ModelStore.VersionInfo(v, meta, null);
    }

    @Test
    void statusOfEachKindOfVersion() {
        List<ObjectNode> promotions = List.of(promotion("retrain", 1), promotion("promote", 2));
        Optional<Integer> champion = Optional.of(2);
        assertEquals("incomplete", PromotionHistory.status(new ModelStore.VersionInfo(5, null, "no weights.bin"),
                champion, promotions));
        assertEquals("champion", PromotionHistory.status(version(2, true), champion, promotions));
        assertEquals("former champion", PromotionHistory.status(version(1, true), champion, promotions));
        assertEquals("rejected", PromotionHistory.status(version(3, false), champion, promotions));
        assertEquals("candidate", PromotionHistory.status(version(4, null), champion, promotions));
    }

    @Test
    void rollbacksWalkBackThroughTheChampionsRatherThanToggle() {
        assertEquals(Optional.empty(), PromotionHistory.rollbackTarget(List.of()));
        assertEquals(Optional.empty(), PromotionHistory.rollbackTarget(List.of(promotion("retrain", 1))));
        List<ObjectNode> three = List.of(promotion("retrain", 1), promotion("retrain", 2), promotion("promote", 3));
        assertEquals(Optional.of(2), PromotionHistory.rollbackTarget(three));
        List<ObjectNode> rolledBack = List.of(promotion("retrain", 1), promotion("retrain", 2), promotion("promote", 3),
                promotion("rollback", 2));
        assertEquals(Optional.of(1), PromotionHistory.rollbackTarget(rolledBack), "a second rollback goes to 1, not 3");
    }
}
