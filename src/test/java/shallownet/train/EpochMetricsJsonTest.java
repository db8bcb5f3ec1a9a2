package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochMetricsJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EpochMetrics throughText(EpochMetrics m) throws Exception {
        return EpochMetricsJson.fromJson(JSON.readTree(EpochMetricsJson.toJson(m).toString()));
    }

    @Test
    void everyFieldRoundTripsThroughTheFileText() throws Exception {
        // Ten distinct values, none a round decimal, so that a dropped, swapped or rounded field shows.
        EpochMetrics m = new EpochMetrics(7, 0.1 / 3, 2.0 / 7, Math.PI / 10, 1.0 / 9, 123.456789012345, 17.1 / 3,
                Math.E / 10, 4.0 / 11, 98.7654321);
        assertEquals(m, throughText(m));
        // Every record component has its own name in the file: one per component, none shared.
        Set<String> names = new HashSet<>();
        EpochMetricsJson.toJson(m).fieldNames().forEachRemaining(names::add);
        assertEquals(EpochMetrics.class.getRecordComponents().length, names.size(), names.toString());
    }

    @Test
    void unknownFiguresAreLeftOutAndReadBackAsNaN() throws Exception {
        EpochMetrics m = new EpochMetrics(0, 2.3, 90, 2.31, 91, 0.5, 0.5);
        ObjectNode o = EpochMetricsJson.toJson(m);
        assertFalse(o.has(EpochMetricsJson.VALIDATION_LOSS));
        assertFalse(o.has(EpochMetricsJson.TRAIN_S));
        assertEquals(m, throughText(m));
    }

    @Test
    void anInfiniteLossSurvives() throws Exception {
        EpochMetrics m = new EpochMetrics(3, Double.POSITIVE_INFINITY, 90, Double.NEGATIVE_INFINITY, 91, 1, 1);
        assertEquals(m, throughText(m));
    }

    @Test
    void somethingElseIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> EpochMetricsJson.fromJson(JSON.readTree("[1,2,3]")));
        assertThrows(IllegalArgumentException.class,
                () -> EpochMetricsJson.fromJson(JSON.readTree("{\"epoch\":1,\"train_loss\":\"x\"}")));
    }
}
