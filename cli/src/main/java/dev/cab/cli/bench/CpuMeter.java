package dev.cab.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per pipeline stage of this JVM (thread CPU time from {@link ThreadMXBean}, grouped by
 * thread name) and per child process ({@code /proc/<pid>/stat}), between {@link #start()} and
 * {@link #stop()}. Threads are read every half second in between (and on every {@link #sample()}),
 * so a thread that ends in between still counts up to its last read. What no thread owns (GC, JIT
 * compilers) is the process CPU time minus the threads' sum, reported as {@code jvm (gc, jit)}; of
 * it, the time of the GC and JIT threads themselves is read per thread from {@code /proc/self/task}
 * ({@code of which gc}, {@code of which jit}; the rest is other VM threads and threads that ended
 * unsampled).
 *
 * <p>Virtual threads run on the carrier threads {@code ForkJoinPool-1-worker-N}: only the
 * collector's servers use virtual threads in this JVM (the benchmark's own load uses platform
 * threads), so carrier time is the collector's.
 */
final class CpuMeter {

  static final String COLLECTOR = "collector";
  static final String STREAMS = "streams";
  static final String SINK = "sink";
  static final String LOAD = "load generator";
  static final String OTHER = "other threads";
  static final String JVM = "jvm (gc, jit)";

  /** Of {@link #JVM}: the collector's threads (and the VM thread, which runs safepoint work). */
  static final String JVM_GC = "of which gc";

  /** Of {@link #JVM}: the JIT compiler threads. */
  static final String JVM_JIT = "of which jit";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<String, Long> processes;
  private final Map<Long, Long> threadStart = new HashMap<>();
  private final Map<Long, Long> threadLast = new HashMap<>();
  private final Map<Long, String> threadStage = new HashMap<>();
  private final Map<String, Long> processStart = new HashMap<>();
  private final Map<String, Long> nativeStart = new HashMap<>();
  private final Map<String, Long> nativeLast = new HashMap<>();
  private final Map<String, String> nativeKind = new HashMap<>();
  private long selfStart;
  private Map<String, Double> result;

  /** How often threads are read between start and stop, so short-lived ones are not lost. */
  private static final long DEFAULT_SAMPLE_EVERY_MS = 500;

  private final long sampleEveryMs;

  /**
   * @param processes child processes to meter, by name (e.g. kafka, clickhouse)
   */
  CpuMeter(Map<String, Long> processes) {
    this(processes, DEFAULT_SAMPLE_EVERY_MS);
  }

  /**
   * @param processes child processes to meter, by name (e.g. kafka, clickhouse)
   * @param sampleEveryMs how often threads are read between start and stop: a thread that ends
   *     loses at most the CPU it spent since the last read
   */
  CpuMeter(Map<String, Long> processes, long sampleEveryMs) {
    this.processes = new LinkedHashMap<>(processes);
    this.sampleEveryMs = sampleEveryMs;
    threads.setThreadCpuTimeEnabled(true);
  }

  /** The stage a thread of this JVM works for, by its name. */
  static String stageOf(String threadName) {
    String n = threadName;
    if (n.startsWith("cab-bench-") || n.startsWith("HttpClient-")) {
      return LOAD;
    }
    if (n.contains("cab-streams") || n.contains("StreamThread") || n.contains("StateUpdater")) {
      return STREAMS;
    }
    if (n.contains("cab-sink")) {
      return SINK;
    }
    if (n.contains("cab-collector")
        || n.startsWith("otlp-")
        || n.startsWith("ForkJoinPool-1-worker")
        || n.startsWith("HTTP-Dispatcher")
        || n.startsWith("grpc-")) {
      return COLLECTOR;
    }
    return OTHER;
  }

  private Thread sampler;

  synchronized void start() {
    threadStart.clear();
    threadLast.clear();
    threadStage.clear();
    result = null;
    for (var t : liveThreads()) {
      long cpu = threads.getThreadCpuTime(t.getThreadId());
      if (cpu >= 0) {
        threadStart.put(t.getThreadId(), cpu);
        threadLast.put(t.getThreadId(), cpu);
        threadStage.put(t.getThreadId(), stageOf(t.getThreadName()));
      }
    }
    nativeStart.clear();
    nativeLast.clear();
    nativeKind.clear();
    sampleNative(true);
    selfStart = processCpuNanos(ProcessHandle.current().pid());
    processes.forEach((name, pid) -> processStart.put(name, processCpuNanos(pid)));
    // Virtual-thread carriers and pool threads come and go during a run: a thread that ends
    // between two reads keeps the CPU time of its last read, the rest would count as the JVM's.
    sampler =
        Thread.ofPlatform()
            .daemon()
            .name("cab-bench-cpu-sampler")
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      Thread.sleep(sampleEveryMs);
                      sample();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  /** Names and ids of the live threads, without their stacks (no safepoint for a stack dump). */
  private List<ThreadInfo> liveThreads() {
    List<ThreadInfo> live = new ArrayList<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null) {
        live.add(t);
      }
    }
    return live;
  }

  /** Records every thread's CPU time now (threads that end before {@link #stop()} still count). */
  synchronized void sample() {
    for (var t : liveThreads()) {
      long cpu = threads.getThreadCpuTime(t.getThreadId());
      if (cpu >= 0) {
        threadStart.putIfAbsent(t.getThreadId(), 0L); // started during the measurement
        threadLast.put(t.getThreadId(), cpu);
        threadStage.putIfAbsent(t.getThreadId(), stageOf(t.getThreadName()));
      }
    }
    sampleNative(false);
  }

  /**
   * The JVM's own threads (GC, JIT) have no Java thread id: they are read from {@code
   * /proc/self/task}, by the name HotSpot gives them (truncated to 15 characters by Linux).
   */
  private void sampleNative(boolean atStart) {
    Path tasks = Path.of("/proc/self/task");
    try (var dirs = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) dirs::iterator) {
        String tid = task.getFileName().toString();
        String kind;
        try {
          kind = nativeKindOf(Files.readString(task.resolve("comm")).strip());
        } catch (IOException | RuntimeException e) {
          continue; // the thread ended
        }
        if (kind == null) {
          continue;
        }
        long cpu = cpuNanos(task.resolve("stat"));
        if (cpu >= 0) {
          nativeStart.putIfAbsent(tid, atStart ? cpu : 0L);
          nativeLast.put(tid, cpu);
          nativeKind.put(tid, kind);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no breakdown of the JVM's own time
    }
  }

  /**
   * {@link #JVM_GC} or {@link #JVM_JIT} for a HotSpot thread name ({@code GC Thread#0}, {@code G1
   * Conc#0}, {@code G1 Refine#0}, {@code VM Thread}, {@code C2 CompilerThre}...), null for the
   * rest.
   */
  static String nativeKindOf(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JVM_JIT;
    }
    if (name.startsWith("GC Thread")
        || name.startsWith("G1 ")
        || name.startsWith("VM Thread")
        || name.startsWith("ZWorker")
        || name.startsWith("ZDirector")) {
      return JVM_GC;
    }
    return null;
  }

  /** CPU seconds per stage and process since {@link #start()}. */
  Map<String, Double> stop() {
    if (sampler != null) {
      sampler.interrupt();
      try {
        sampler.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sampler = null;
    }
    return measure();
  }

  private synchronized Map<String, Double> measure() {
    sample();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String stage : new String[] {COLLECTOR, STREAMS, SINK, LOAD, OTHER}) {
      seconds.put(stage, 0.0);
    }
    double threadSum = 0;
    for (var e : threadLast.entrySet()) {
      double s = (e.getValue() - threadStart.get(e.getKey())) / 1e9;
      seconds.merge(threadStage.get(e.getKey()), s, Double::sum);
      threadSum += s;
    }
    double self = (processCpuNanos(ProcessHandle.current().pid()) - selfStart) / 1e9;
    seconds.put(JVM, Math.max(0, self - threadSum));
    double gc = 0;
    double jit = 0;
    for (var e : nativeLast.entrySet()) {
      double s = (e.getValue() - nativeStart.get(e.getKey())) / 1e9;
      if (JVM_GC.equals(nativeKind.get(e.getKey()))) {
        gc += s;
      } else {
        jit += s;
      }
    }
    if (!nativeLast.isEmpty()) {
      seconds.put(JVM_GC, gc);
      seconds.put(JVM_JIT, jit);
    }
    processes.forEach(
        (name, pid) -> seconds.put(name, (processCpuNanos(pid) - processStart.get(name)) / 1e9));
    result = seconds;
    return seconds;
  }

  Map<String, Double> result() {
    return result;
  }

  /** utime + stime of a process, in nanoseconds; -1 when unknown (not Linux, process gone). */
  static long processCpuNanos(long pid) {
    return cpuNanos(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /** utime + stime from a {@code stat} file of {@code /proc} (a process's or a thread's). */
  private static long cpuNanos(Path statFile) {
    try {
      String stat = Files.readString(statFile);
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      return ticks * (1_000_000_000L / CLOCK_TICKS);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** USER_HZ: 100 on every Linux the JDK supports. */
  private static final long CLOCK_TICKS = 100;

  /** Peak resident set size ({@code VmHWM}) of a process in MiB; -1 when unknown. */
  static long peakRssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
