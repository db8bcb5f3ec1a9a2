package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import shallownet.testutil.Script;
import shallownet.testutil.StandaloneCluster;

/**
 * Option values that {@code ./submit.sh} and {@code ./submit.sh cluster} check before they build or
 * start anything: a missing or malformed value is one line naming the option and exit 2, never a
 * shell error ({@code $2: unbound variable}) or a value taken as arithmetic.
 */
class ScriptOptionsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "./submit.sh {0}")
    @CsvSource(delimiter = '|', textBlock = """
            train --master                        | submit.sh: --master needs a value
            train --master=                       | submit.sh: --master needs a value
            train --master --data d               | submit.sh: --master needs a value
            train --data                          | submit.sh: --data needs a value
            train --driver-memory lots            | submit.sh: --driver-memory needs a size like 2g or 512m, not 'lots'
            train --driver-memory 1.5g            | submit.sh: --driver-memory needs a size like 2g or 512m, not '1.5g'
            train --conf spark.driver.memory=big  | submit.sh: spark.driver.memory needs a size like 2g or 512m, not 'big'
            train --conf spark.ui.enabled         | submit.sh: --conf needs KEY=VALUE, not 'spark.ui.enabled'
            train --executor-memory=2             | submit.sh: --executor-memory needs a size like 2g or 512m, not '2'
            train --executor-cores two            | submit.sh: --executor-cores needs a whole number of 1 or more, not 'two'
            train --num-executors 0               | submit.sh: --num-executors needs a whole number of 1 or more, not '0'
            train --total-executor-cores 2+2      | submit.sh: --total-executor-cores needs a whole number of 1 or more, not '2+2'
            train --deploy-mode sideways          | submit.sh: --deploy-mode needs client or cluster, not 'sideways'
            train --name                          | submit.sh: --name needs a value
            cluster start --workers two           | cluster: --workers needs a whole number of 1 or more, not 'two'
            cluster start --workers 1+1           | cluster: --workers needs a whole number of 1 or more, not '1+1'
            cluster start --workers               | cluster: --workers needs a value
            cluster start --worker-cores 0        | cluster: --worker-cores needs a whole number of 1 or more, not '0'
            cluster start --worker-memory 1gb     | cluster: --worker-memory needs a size like 2g or 512m, not '1gb'
            cluster start --dir                   | cluster: --dir needs a value
            cluster start --insecure=yes          | cluster: --insecure takes no value
            train --extra-properties-file         | submit.sh: --extra-properties-file needs a value
            train --extra-properties-file /none   | submit.sh: --extra-properties-file: '/none' is not a readable file
            cluster status --dir --workers 2      | cluster: --dir needs a value
            """)
    void aBadOptionValueIsOneLineAndExit2(String args, String expected) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString()));
        cmd.addAll(List.of(args.split(" ")));
        // A jar that does not exist: refusing the option must come before any build or JVM.
        Script.Result r = Script.run(cmd, Map.of("SHALLOWNET_JAR", tmp.resolve("none.jar").toString()),
                tmp.resolve("out.log"), 60);
        assertEquals(2, r.exitCode(), r.output());
        assertEquals(expected, r.output().strip(), args);
    }
}
