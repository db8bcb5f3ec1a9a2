package shallownet.store;

import shallownet.InvalidSettingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import shallownet.model.ModelFiles;

/**
 * Whether a candidate may become the champion: its test error at most {@code maxTestErrorPct},
 * and at most {@code maxRegressionPct} percentage points above the champion's error measured on
 * the same test set in the same run (not the figure recorded when the champion was trained,
 * which may be on other data).
 */
public record QualityGate(double maxTestErrorPct, double maxRegressionPct) {

    public QualityGate {
        if (!(maxTestErrorPct >= 0 && maxTestErrorPct <= 100)) {
            throw new InvalidSettingException("{} must be in [0, 100], got " + maxTestErrorPct, "maxTestErrorPct");
        }
        if (!(maxRegressionPct >= 0) || Double.isInfinite(maxRegressionPct)) {
            throw new InvalidSettingException("{} must be >= 0, got " + maxRegressionPct, "maxRegressionPct");
        }
    }

    /** The verdict; {@code championErrorPct} is NaN when there is no champion. */
    public Verdict judge(double candidateErrorPct, double championErrorPct) {
        StringBuilder why = new StringBuilder();
        boolean pass = true;
        if (!(candidateErrorPct <= maxTestErrorPct)) {
            pass = false;
            why.append(String.format("test error %.2f %% is above the maximum %.2f %%", candidateErrorPct, maxTestErrorPct));
        }
        if (!Double.isNaN(championErrorPct)) {
            double regression = candidateErrorPct - championErrorPct;
            if (!(regression <= maxRegressionPct)) {
                pass = false;
                why.append(why.length() > 0 ? "; " : "").append(String.format(
                        "test error %.2f %% is %.2f points above the champion's %.2f %% (at most %.2f allowed)",
                        candidateErrorPct, regression, championErrorPct, maxRegressionPct));
            }
        }
        if (pass) {
            why.append(String.format("test error %.2f %% <= %.2f %%", candidateErrorPct, maxTestErrorPct));
            why.append(Double.isNaN(championErrorPct) ? ", no champion to compare with" : String.format(
                    ", champion %.2f %% (regression %.2f <= %.2f points)", championErrorPct,
                    candidateErrorPct - championErrorPct, maxRegressionPct));
        }
        return new Verdict(pass, candidateErrorPct, championErrorPct, this, why.toString());
    }

    public record Verdict(boolean passed, double candidateErrorPct, double championErrorPct, QualityGate gate,
                          String reason) {
        public ObjectNode toJson() {
            ObjectNode o = ModelFiles.json().createObjectNode();
            o.put("passed", passed);
            o.put("candidate_test_error_pct", candidateErrorPct);
            if (Double.isNaN(championErrorPct)) {
                o.putNull("champion_test_error_pct");
            } else {
                o.put("champion_test_error_pct", championErrorPct);
            }
            o.put("max_test_error_pct", gate.maxTestErrorPct());
            o.put("max_regression_pct", gate.maxRegressionPct());
            o.put("reason", reason);
            return o;
        }
    }
}
