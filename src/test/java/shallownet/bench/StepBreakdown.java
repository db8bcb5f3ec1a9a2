package shallownet.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Where a step's time goes, from Spark's own task metrics and timestamps: the listener records
 * every job whose description starts with a given prefix, its tasks' launch and finish times
 * (driver clock), deserialization, run and result-serialization times (executor side), and the
 * caller records the wall time of each job around {@code runJob}. The parts:
 * <ul>
 * <li>driver before the first task launch: the caller's broadcast, the job's submission, the stage
 *     with its task binary (serialized and broadcast) and the tasks' serialization;</li>
 * <li>task deserialization (executor): the task and its binary, fetched from the driver on a cluster;</li>
 * <li>task run (executor): the weights (read from the broadcast, fetched on a cluster), the blocks,
 *     the kernel ({@code kernelMs} from the fold itself), the partial's fixed-point sum;</li>
 * <li>result serialization (executor);</li>
 * <li>the rest of the task's launch-to-finish on the driver's clock: the launch message, the result's
 *     transfer and deserialization on the driver (Spark's "scheduler delay");</li>
 * <li>after the last task: merge of the last partial in the result handler, job end, return to the caller.</li>
 * </ul>
 * Means, so that the parts add up to the mean job time (timestamps are whole milliseconds).
 */
final class StepBreakdown extends SparkListener {

    private final String prefix;
    private final Map<Integer, Integer> stageToJob = new HashMap<>();
    private final Map<Integer, long[]> jobTimes = new HashMap<>();
    private final Map<Integer, List<long[]>> tasks = new HashMap<>();

    StepBreakdown(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        if (description == null || !description.startsWith(prefix)) {
            return;
        }
        for (StageInfo s : scala.jdk.javaapi.CollectionConverters.asJava(e.stageInfos())) {
            stageToJob.put(s.stageId(), e.jobId());
        }
        jobTimes.put(e.jobId(), new long[] {e.time(), -1});
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
        long[] t = jobTimes.get(e.jobId());
        if (t != null) {
            t[1] = e.time();
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        Integer job = stageToJob.get(e.stageId());
        if (job == null || e.taskMetrics() == null) {
            return;
        }
        var m = e.taskMetrics();
        var i = e.taskInfo();
        tasks.computeIfAbsent(job, k -> new ArrayList<>()).add(new long[] {i.launchTime(), i.finishTime(),
                m.executorDeserializeTime(), m.executorRunTime(), m.resultSerializationTime(), m.resultSize()});
    }

    /** The recorded jobs' parts, averaged; {@code wallMs} and {@code kernelMs} are the caller's means per job. */
    synchronized Parts parts(SparkContext sc, double wallMs, double kernelMs) throws InterruptedException, java.util.concurrent.TimeoutException {
        // Listener events arrive asynchronously: wait until the bus has delivered what was posted.
        sc.listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
        double beforeLaunch = 0;
        double deserialize = 0;
        double run = 0;
        double resultSer = 0;
        double delay = 0;
        double afterLast = 0;
        double resultBytes = 0;
        int jobs = 0;
        int taskCount = 0;
        for (Map.Entry<Integer, long[]> j : jobTimes.entrySet()) {
            List<long[]> ts = tasks.get(j.getKey());
            if (ts == null || j.getValue()[1] < 0) {
                continue;
            }
            jobs++;
            long firstLaunch = Long.MAX_VALUE;
            long lastFinish = 0;
            // The slowest task is the one the job waits for: its parts are the job's.
            long[] slowest = null;
            for (long[] t : ts) {
                firstLaunch = Math.min(firstLaunch, t[0]);
                lastFinish = Math.max(lastFinish, t[1]);
                if (slowest == null || t[1] > slowest[1]) {
                    slowest = t;
                }
                resultBytes += t[5];
                taskCount++;
            }
            long launchToFinish = slowest[1] - slowest[0];
            beforeLaunch += slowest[0] - j.getValue()[0];
            deserialize += slowest[2];
            run += slowest[3];
            resultSer += slowest[4];
            delay += launchToFinish - slowest[2] - slowest[3] - slowest[4];
            afterLast += j.getValue()[1] - lastFinish;
        }
        if (jobs == 0) {
            throw new IllegalStateException("no job recorded with the description " + prefix);
        }
        double inJob = (beforeLaunch + deserialize + run + resultSer + delay + afterLast) / jobs;
        return new Parts(jobs, taskCount / (double) jobs, wallMs, Math.max(0, wallMs - inJob), beforeLaunch / jobs,
                deserialize / jobs, run / jobs, kernelMs, resultSer / jobs, delay / jobs, afterLast / jobs,
                resultBytes / taskCount);
    }

    /**
     * A step's parts in ms (means per job). {@code outsideJob}: the caller's wall time not covered by
     * the job's own start and end events (the broadcast before, the listener-bus posting, the return).
     */
    record Parts(int jobs, double tasksPerJob, double wallMs, double outsideJob, double beforeLaunch,
                 double deserialize, double run, double kernel, double resultSerialization, double schedulerDelay,
                 double afterLastTask, double resultBytesPerTask) {

        Map<String, Object> asMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("jobs", jobs);
            m.put("tasks_per_job", tasksPerJob);
            m.put("wall_ms_mean", wallMs);
            m.put("outside_job_ms", outsideJob);
            m.put("driver_before_first_launch_ms", beforeLaunch);
            m.put("task_deserialize_ms", deserialize);
            m.put("task_run_ms", run);
            m.put("of_which_kernel_ms", kernel);
            m.put("task_result_serialization_ms", resultSerialization);
            m.put("launch_and_result_transfer_ms", schedulerDelay);
            m.put("after_last_task_ms", afterLastTask);
            m.put("result_bytes_per_task", resultBytesPerTask);
            return m;
        }

        String oneLine() {
            return String.format("%.1f ms mean = outside the job %.1f + driver before launch %.1f + task deserialize %.1f"
                            + " + task run %.1f (kernel %.1f) + result serialize %.1f + launch/result transfer %.1f"
                            + " + after last task %.1f; %.1f tasks/job, %.0f KB result/task",
                    wallMs, outsideJob, beforeLaunch, deserialize, run, kernel, resultSerialization, schedulerDelay,
                    afterLastTask, tasksPerJob, resultBytesPerTask / 1024);
        }
    }
}
