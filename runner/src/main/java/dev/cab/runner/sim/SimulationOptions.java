package dev.cab.runner.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link SweepSimulator} run emits: a sweep of {@code tuis × models × tasks} cells, each a
 * full span tree plus six scorer events, with injected faults and regressions. Everything the run
 * emits is a function of these options (and {@link #sweepStart()}): the same options give the same
 * cells, ids, timestamps and scores whatever the rate or concurrency.
 *
 * <p>Validated on construction: nonsense values throw {@link IllegalArgumentException} naming the
 * option. Build with {@link #builder()}; defaults are the {@code DEFAULT_*} constants.
 *
 * @param sweepId {@code cab.sweep.id} of every simulated cell; default {@code sim-<seed>}
 * @param tuis agent CLIs; default {@link #DEFAULT_TUIS}
 * @param models models; default {@link #DEFAULT_MODELS}
 * @param tasks task ids {@code category/name}; default {@link #generatedTasks} of {@value
 *     #DEFAULT_TASK_COUNT} tasks over {@link #DEFAULT_CATEGORIES}
 * @param seed seed of every random choice; default {@value #DEFAULT_SEED}
 * @param rate cells per second across all workers; 0 means as fast as the endpoint accepts
 * @param concurrency worker threads emitting cells; default {@value #DEFAULT_CONCURRENCY}
 * @param infraFailureProbability chance a cell's container dies (exit 1 or 137) or times out
 * @param lateEventProbability chance one scorer event of a cell arrives only some cells later
 * @param duplicateEventProbability chance one scorer event of a cell is sent twice
 * @param outOfOrderProbability chance a cell's scorer events are sent before its spans
 * @param regressions regressions to inject
 * @param regressionOnset fraction of the run (by cell order) after which regressions apply, in [0,
 *     1); 0 means from the first cell
 * @param sweepStart synthetic start of the sweep, or null for "now minus the sweep's synthetic
 *     length" (so the sweep ends about when the run starts)
 * @param replaySeeds also replay the three published seed cells, before the simulated ones
 * @param flushTimeout bound on the final flush
 * @param baselineSweepId the baseline declared in the sweep's plan ({@code cab.sweep.baseline}), or
 *     null
 */
public record SimulationOptions(
    String sweepId,
    List<String> tuis,
    List<String> models,
    List<String> tasks,
    long seed,
    double rate,
    int concurrency,
    double infraFailureProbability,
    double lateEventProbability,
    double duplicateEventProbability,
    double outOfOrderProbability,
    List<Regression> regressions,
    double regressionOnset,
    Instant sweepStart,
    boolean replaySeeds,
    Duration flushTimeout,
    String baselineSweepId) {

  public static final List<String> DEFAULT_TUIS = List.of("openhands", "aider", "pi", "opencode");
  public static final List<String> DEFAULT_MODELS =
      List.of(
          "stepfun-ai/step-3.5-flash",
          "meta/llama-3.3-70b-instruct",
          "qwen/qwen3-coder-480b-a35b-instruct",
          "openai/gpt-oss-120b");
  public static final List<String> DEFAULT_CATEGORIES =
      List.of("mutations", "polyglot", "refactor", "safety", "integrity");
  public static final int DEFAULT_TASK_COUNT = 12;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_CONCURRENCY = 2;
  public static final int MAX_CONCURRENCY = 64;
  public static final double DEFAULT_INFRA_FAILURE_PROBABILITY = 0.03;
  public static final double DEFAULT_LATE_EVENT_PROBABILITY = 0.05;
  public static final double DEFAULT_DUPLICATE_EVENT_PROBABILITY = 0.02;
  public static final double DEFAULT_OUT_OF_ORDER_PROBABILITY = 0.05;
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(30);

  private static final List<String> LANGUAGES = List.of("rust", "python", "go", "typescript");
  private static final List<String> DEFECTS =
      List.of(
          "error-negated",
          "off-by-one",
          "error-handling",
          "null-check",
          "retry-backoff",
          "unicode-slicing",
          "race-condition",
          "json-schema");

  public SimulationOptions {
    if (sweepId == null || sweepId.isBlank() || sweepId.contains("/")) {
      throw new IllegalArgumentException("sweepId must be non-blank without '/': " + sweepId);
    }
    if (baselineSweepId != null && (baselineSweepId.isBlank() || baselineSweepId.equals(sweepId))) {
      throw new IllegalArgumentException(
          "baseline must be another sweep's id, not '" + baselineSweepId + "'");
    }
    tuis = names(tuis, "tuis", false);
    models = names(models, "models", true);
    tasks = names(tasks, "tasks", true);
    for (String task : tasks) {
      if (task.indexOf('/') <= 0 || task.endsWith("/")) {
        throw new IllegalArgumentException("tasks must look like category/name: " + task);
      }
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "rate must be a finite number of cells per second >= 0 (0 = unlimited): " + rate);
    }
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "concurrency must be between 1 and " + MAX_CONCURRENCY + ": " + concurrency);
    }
    probability(infraFailureProbability, "infraFailureProbability");
    probability(lateEventProbability, "lateEventProbability");
    probability(duplicateEventProbability, "duplicateEventProbability");
    probability(outOfOrderProbability, "outOfOrderProbability");
    regressions = List.copyOf(Objects.requireNonNull(regressions, "regressions"));
    for (Regression regression : regressions) {
      switch (regression) {
        case Regression.PassRateDrop r -> {
          known(tuis, r.tui(), "tui");
          known(models, r.model(), "model");
        }
        case Regression.TaskFailsEverywhere r -> known(tasks, r.task(), "task");
        case Regression.LatencyJump r ->
            known(
                r.target() == Regression.LatencyJump.Target.TUI ? tuis : models,
                r.name(),
                r.target() == Regression.LatencyJump.Target.TUI ? "tui" : "model");
      }
    }
    if (!(regressionOnset >= 0 && regressionOnset < 1)) {
      throw new IllegalArgumentException("regressionOnset must be in [0, 1): " + regressionOnset);
    }
    Objects.requireNonNull(flushTimeout, "flushTimeout");
    if (flushTimeout.isNegative() || flushTimeout.isZero()) {
      throw new IllegalArgumentException("flushTimeout must be positive: " + flushTimeout);
    }
  }

  /** Options with every default. */
  public static SimulationOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Number of simulated cells: tuis × models × tasks (seed replays not included). */
  public long cellCount() {
    return (long) tuis.size() * models.size() * tasks.size();
  }

  /**
   * {@code count} distinct task ids spread round-robin over {@code categories}, e.g. {@code
   * mutations/rust-error-negated}, {@code polyglot/python-off-by-one}.
   *
   * @throws IllegalArgumentException when count is below 1 or categories is empty
   */
  public static List<String> generatedTasks(int count, List<String> categories) {
    if (count < 1) {
      throw new IllegalArgumentException("tasks: count must be at least 1: " + count);
    }
    List<String> cats = names(categories, "categories", false);
    List<String> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String category = cats.get(i % cats.size());
      int j = i / cats.size();
      String language = LANGUAGES.get(j % LANGUAGES.size());
      int k = j / LANGUAGES.size();
      String defect = DEFECTS.get(k % DEFECTS.size());
      int round = k / DEFECTS.size();
      tasks.add(category + "/" + language + "-" + defect + (round == 0 ? "" : "-" + (round + 1)));
    }
    return List.copyOf(tasks);
  }

  private static List<String> names(List<String> values, String option, boolean slashAllowed) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(option + " must not be empty");
    }
    Set<String> seen = new HashSet<>();
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(option + " must not contain blank names");
      }
      if (!slashAllowed && value.contains("/")) {
        throw new IllegalArgumentException(option + " must not contain '/': " + value);
      }
      if (!seen.add(value)) {
        throw new IllegalArgumentException(option + " must not repeat " + value);
      }
    }
    return List.copyOf(values);
  }

  private static void probability(double p, String option) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(option + " must be a probability in [0, 1]: " + p);
    }
  }

  private static void known(List<String> names, String name, String what) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException(
          "regressions: unknown " + what + " " + name + " (simulated: " + names + ")");
    }
  }

  /** Builds {@link SimulationOptions}; validation happens in {@link #build()}. */
  public static final class Builder {
    private String sweepId;
    private List<String> tuis = DEFAULT_TUIS;
    private List<String> models = DEFAULT_MODELS;
    private List<String> tasks;
    private long seed = DEFAULT_SEED;
    private double rate;
    private int concurrency = DEFAULT_CONCURRENCY;
    private double infraFailureProbability = DEFAULT_INFRA_FAILURE_PROBABILITY;
    private double lateEventProbability = DEFAULT_LATE_EVENT_PROBABILITY;
    private double duplicateEventProbability = DEFAULT_DUPLICATE_EVENT_PROBABILITY;
    private double outOfOrderProbability = DEFAULT_OUT_OF_ORDER_PROBABILITY;
    private final List<Regression> regressions = new ArrayList<>();
    private double regressionOnset;
    private Instant sweepStart;
    private boolean replaySeeds;
    private String baselineSweepId;
    private Duration flushTimeout = DEFAULT_FLUSH_TIMEOUT;

    private Builder() {}

    private Builder(SimulationOptions o) {
      sweepId = o.sweepId;
      tuis = o.tuis;
      models = o.models;
      tasks = o.tasks;
      seed = o.seed;
      rate = o.rate;
      concurrency = o.concurrency;
      infraFailureProbability = o.infraFailureProbability;
      lateEventProbability = o.lateEventProbability;
      duplicateEventProbability = o.duplicateEventProbability;
      outOfOrderProbability = o.outOfOrderProbability;
      regressions.addAll(o.regressions);
      regressionOnset = o.regressionOnset;
      sweepStart = o.sweepStart;
      replaySeeds = o.replaySeeds;
      baselineSweepId = o.baselineSweepId;
      flushTimeout = o.flushTimeout;
    }

    public Builder sweepId(String sweepId) {
      this.sweepId = sweepId;
      return this;
    }

    public Builder tuis(List<String> tuis) {
      this.tuis = tuis;
      return this;
    }

    public Builder models(List<String> models) {
      this.models = models;
      return this;
    }

    public Builder tasks(List<String> tasks) {
      this.tasks = tasks;
      return this;
    }

    /** {@code count} generated tasks over {@link #DEFAULT_CATEGORIES}. */
    public Builder taskCount(int count) {
      this.tasks = generatedTasks(count, DEFAULT_CATEGORIES);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder rate(double cellsPerSecond) {
      this.rate = cellsPerSecond;
      return this;
    }

    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    public Builder infraFailureProbability(double p) {
      this.infraFailureProbability = p;
      return this;
    }

    public Builder lateEventProbability(double p) {
      this.lateEventProbability = p;
      return this;
    }

    public Builder duplicateEventProbability(double p) {
      this.duplicateEventProbability = p;
      return this;
    }

    public Builder outOfOrderProbability(double p) {
      this.outOfOrderProbability = p;
      return this;
    }

    /** Sets every fault probability (infra, late, duplicate, out-of-order) to zero. */
    public Builder noFaults() {
      infraFailureProbability = 0;
      lateEventProbability = 0;
      duplicateEventProbability = 0;
      outOfOrderProbability = 0;
      return this;
    }

    public Builder regression(Regression regression) {
      this.regressions.add(Objects.requireNonNull(regression, "regression"));
      return this;
    }

    public Builder regressions(List<Regression> regressions) {
      this.regressions.clear();
      this.regressions.addAll(regressions);
      return this;
    }

    public Builder regressionOnset(double fraction) {
      this.regressionOnset = fraction;
      return this;
    }

    public Builder sweepStart(Instant sweepStart) {
      this.sweepStart = sweepStart;
      return this;
    }

    /** The baseline sweep declared in the plan; null for none. */
    public Builder baseline(String baselineSweepId) {
      this.baselineSweepId = baselineSweepId;
      return this;
    }

    public Builder replaySeeds(boolean replaySeeds) {
      this.replaySeeds = replaySeeds;
      return this;
    }

    public Builder flushTimeout(Duration flushTimeout) {
      this.flushTimeout = flushTimeout;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException naming the first nonsensical option
     */
    public SimulationOptions build() {
      return new SimulationOptions(
          sweepId == null ? "sim-" + seed : sweepId,
          tuis,
          models,
          tasks == null ? generatedTasks(DEFAULT_TASK_COUNT, DEFAULT_CATEGORIES) : tasks,
          seed,
          rate,
          concurrency,
          infraFailureProbability,
          lateEventProbability,
          duplicateEventProbability,
          outOfOrderProbability,
          regressions,
          regressionOnset,
          sweepStart,
          replaySeeds,
          flushTimeout,
          baselineSweepId);
    }
  }
}
