package dev.cab.runner.sim.internal;

import dev.cab.runner.Axis;
import dev.cab.runner.CellIdentity;
import dev.cab.runner.CellSpanKind;
import dev.cab.runner.CellTraceIds;
import dev.cab.runner.TokenUsage;
import dev.cab.runner.sim.Regression;
import dev.cab.runner.sim.SimulationOptions;
import dev.cab.runner.sim.internal.SimulatedCell.Outcome;
import dev.cab.runner.sim.internal.SimulatedCell.Parent;
import dev.cab.runner.sim.internal.SimulatedCell.Score;
import dev.cab.runner.sim.internal.SimulatedCell.Span;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Generates realistic simulated cells as pure data. Every number comes from seeded streams keyed by
 * the cell id (see {@link Rng}), so a cell is the same whichever thread generates it and whenever.
 *
 * <p>The model: each tui, model, tui × model pair and task gets a latent skill or difficulty drawn
 * from the seed; a cell passes with probability {@code sigmoid(0.4 + tui + model + pair -
 * difficulty)}. Wall clock is log-normal around a per-tui median scaled per model, with a Pareto
 * tail for 8% of cells, and a 600 s timeout. TUIs that do not capture per-call tokens (openhands
 * and pi, as on the published pages) emit no model_call spans and zero token breakdowns. Latency
 * efficiency follows the documented default curve {@code min(1, 1.228 * seconds^-0.199)}; cost
 * efficiency is {@code min(1, 50000 / tokens_per_correct_task)} for a pass, 0 for a fail, 1 when
 * tokens were not recorded. Timestamps are synthetic: 8 runner slots take cells in order, a cell
 * starting every 90 s per slot plus jitter; all instants have microsecond precision.
 */
public final class CellGenerator {
  /** Synthetic runner slots working through the sweep in parallel. */
  static final int RUNNER_SLOTS = 8;

  static final Duration ROUND = Duration.ofSeconds(90);
  static final int TIMEOUT_S = 600;

  private static final Set<String> NO_TOKEN_CAPTURE = Set.of("openhands", "pi");
  private static final Map<String, String[]> IMAGES =
      Map.of(
          "openhands",
          new String[] {
            "codingagentbench/openhands:1.7.0",
            "sha256:7fcaf222644a5cb0afffe018f038d270130b5af3b8af366cd960f2d596a4342c"
          },
          "pi",
          new String[] {
            "codingagentbench/pi:v0.73.1",
            "sha256:272792a5fb41b2290cf7f75c094471fc9bc9933cefdb77c68c5122bbfa2044e6"
          },
          "aider",
          new String[] {"codingagentbench/aider:0.86.1", null},
          "opencode",
          new String[] {"codingagentbench/opencode:0.15.3", null});
  private static final Map<String, Double> TUI_MEDIAN_SECONDS =
      Map.of("openhands", 110.0, "aider", 45.0, "pi", 30.0, "opencode", 60.0);
  private static final List<String> TEST_NAMES =
      List.of(
          "happy_path",
          "empty_input",
          "bad_input_reports_index",
          "negative_numbers",
          "retries_on_error_until_success",
          "gives_up_after_max_attempts",
          "zero_max_attempts_errors",
          "unicode_boundaries");
  private static final List<String> STRAY_FILES =
      List.of(
          "README.md",
          "Cargo.lock",
          "package-lock.json",
          ".github/workflows/ci.yml",
          "scratch/notes.txt",
          "setup.cfg");

  private final SimulationOptions options;
  private final long seed;

  public CellGenerator(SimulationOptions options) {
    this.options = options;
    this.seed = options.seed();
  }

  /** Synthetic length of the whole sweep: the default start is this long before now. */
  public Duration syntheticLength(long cells) {
    long rounds = (cells + RUNNER_SLOTS - 1) / RUNNER_SLOTS;
    return ROUND.multipliedBy(rounds).plusSeconds(2L * TIMEOUT_S);
  }

  /**
   * One cell: its span tree and scorer events, the faults to inject when sending it, and what the
   * simulator injected. The parts are drawn in a fixed order from one stream per concern (ids,
   * outcome, model calls, changes, faults), so a cell is the same whoever generates it and when.
   *
   * @param identity the cell
   * @param orderIndex its position in the run (drives its synthetic start time)
   * @param sweepStart synthetic start of the sweep
   * @param regressionsActive whether regressions may touch this cell
   */
  public SimulatedCell generate(
      CellIdentity identity, long orderIndex, Instant sweepStart, boolean regressionsActive) {
    String key = identity.cellId();
    Rng ids = Rng.of(seed, key + "#ids");
    Rng calls = Rng.of(seed, key + "#calls");
    Rng changes = Rng.of(seed, key + "#changes");
    SpanIds spanIds = SpanIds.draw(ids);
    Injected injected = injected(identity, regressionsActive);
    Run run = run(identity, Rng.of(seed, key + "#outcome"), injected);
    Timeline time = timeline(orderIndex, sweepStart, run.wallSeconds(), ids);

    List<Span> spans = new ArrayList<>();
    spans.add(setupSpan(identity, spanIds, time));
    spans.add(toolSpan(identity, spanIds, time));
    spans.add(containerSpan(identity, spanIds, time, run));
    ModelCalls modelCalls = modelCalls(identity, time, run, calls);
    spans.addAll(modelCalls.spans());
    spans.add(rootSpan(identity, spanIds, time, run));
    spans.add(
        span(
            CellSpanKind.CLEANUP,
            "cleanup:" + identity.tui(),
            spanIds.cleanup(),
            Parent.NONE,
            time.rootEnd(),
            time.rootEnd().plus(ids.between(0, 2_000), ChronoUnit.MICROS),
            Map.of()));

    List<Score> scores = scores(identity, time, run, modelCalls, changes);
    return withFaults(
        identity, spanIds.trace(), spans, scores, Rng.of(seed, key + "#faults"), time, run);
  }

  /** The ids of a cell's spans and the per-cell strings drawn with them. */
  private record SpanIds(
      CellTraceIds trace,
      String setup,
      String tool,
      String container,
      String cleanup,
      String apiKey,
      String workdirSuffix) {

    static SpanIds draw(Rng ids) {
      return new SpanIds(
          new CellTraceIds(ids.hex(32), ids.hex(16)),
          ids.hex(16),
          ids.hex(16),
          ids.hex(16),
          ids.hex(16),
          "sk-sim-" + ids.base36(32),
          ids.base36(8));
    }
  }

  /** What the regressions of the options do to a cell (indexes into the options' list). */
  private record Injected(
      List<Integer> applied, double passDrop, boolean taskBroken, double latencyFactor) {}

  private Injected injected(CellIdentity identity, boolean regressionsActive) {
    List<Integer> applied = new ArrayList<>();
    double passDrop = 0;
    boolean taskBroken = false;
    double latencyFactor = 1;
    if (regressionsActive) {
      List<Regression> regressions = options.regressions();
      for (int i = 0; i < regressions.size(); i++) {
        Regression r = regressions.get(i);
        if (r.appliesTo(identity)) {
          applied.add(i);
          switch (r) {
            case Regression.PassRateDrop d -> passDrop += d.drop();
            case Regression.TaskFailsEverywhere t -> taskBroken = true;
            case Regression.LatencyJump j -> latencyFactor *= j.factor();
          }
        }
      }
    }
    return new Injected(List.copyOf(applied), passDrop, taskBroken, latencyFactor);
  }

  /**
   * How the run went: pass or fail, wall clock, infra failure, exit codes; {@code baseline*} is the
   * same cell without the injected regressions.
   */
  private record Run(
      boolean pass,
      boolean baselinePass,
      double wallSeconds,
      double baselineWallSeconds,
      boolean infra,
      int infraKind,
      boolean timedOut,
      boolean baselineTimedOut,
      long containerExit,
      int testExit,
      String language,
      List<Integer> applied) {

    boolean infraFailure() {
      return infra || timedOut;
    }

    /** Whether the cell would have been an infra error without the injected regressions. */
    boolean baselineInfraFailure() {
      return infra || baselineTimedOut;
    }

    /** {@code error.type} of the container and root spans, or null. */
    String errorType() {
      return timedOut
          ? "timeout"
          : infra ? (infraKind == 0 ? "oom_killed" : "container_crash") : null;
    }

    /** The status message of the container and root spans, or null. */
    String errorMessage() {
      return timedOut
          ? "container killed after " + TIMEOUT_S + " s timeout"
          : infra
              ? (infraKind == 0
                  ? "container OOM-killed (exit 137)"
                  : "container exited unexpectedly (exit 1)")
              : null;
    }
  }

  /** The outcome draws, always in the same order. */
  private Run run(CellIdentity identity, Rng outcome, Injected injected) {
    String tui = identity.tui();
    String model = identity.model();
    String task = identity.task();
    String language = language(task);
    double p = passProbability(tui, model, task);
    double uPass = outcome.nextDouble();
    boolean infra = outcome.chance(options.infraFailureProbability());
    int infraKind = outcome.nextInt(2); // 0: OOM kill (137), 1: container crash (1)
    double infraFraction = outcome.uniform(0.05, 0.9);
    double wallSeconds =
        TUI_MEDIAN_SECONDS.getOrDefault(tui, 20 + 100 * unit(seed, "tui-speed:" + tui))
            * (0.6 + unit(seed, "model-speed:" + model))
            * Math.exp(0.5 * difficulty(task))
            * Math.exp(0.55 * outcome.gaussian());
    boolean tail = outcome.chance(0.08);
    double tailFactor = outcome.pareto(1.5, 1.4);
    if (tail) {
      wallSeconds *= tailFactor;
    }
    double baselineWallSeconds = wallSeconds;
    wallSeconds *= injected.latencyFactor();
    double killOverheadSeconds = outcome.uniform(0.5, 2.0);
    boolean timedOut = wallSeconds > TIMEOUT_S;
    boolean baselineTimedOut = baselineWallSeconds > TIMEOUT_S;
    if (timedOut) {
      wallSeconds = TIMEOUT_S + killOverheadSeconds;
    }
    if (baselineTimedOut) {
      baselineWallSeconds = TIMEOUT_S + killOverheadSeconds;
    }
    if (infra && !timedOut) {
      wallSeconds *= infraFraction;
    }
    double injectedP = injected.taskBroken() ? 0 : Math.max(0, p - injected.passDrop());
    boolean baselinePass = uPass < p && !infra && !baselineTimedOut;
    boolean pass = uPass < injectedP && !infra && !timedOut;
    boolean infraFailure = infra || timedOut;
    long containerExit = timedOut ? 137 : infra ? (infraKind == 0 ? 137 : 1) : 0;
    int testExit = pass ? 0 : infraFailure ? (int) containerExit : failingExitCode(language);
    return new Run(
        pass,
        baselinePass,
        wallSeconds,
        baselineWallSeconds,
        infra,
        infraKind,
        timedOut,
        baselineTimedOut,
        containerExit,
        testExit,
        language,
        injected.applied());
  }

  /** The cell's synthetic timeline, microsecond precision. */
  private record Timeline(
      Instant cellStart,
      long setupMicros,
      long wallMicros,
      Instant rootEnd,
      Instant containerStart,
      Instant containerEnd,
      long containerMicros) {}

  private static Timeline timeline(
      long orderIndex, Instant sweepStart, double wallSeconds, Rng ids) {
    long round = orderIndex / RUNNER_SLOTS;
    Instant cellStart =
        micros(
            sweepStart
                .plus(ROUND.multipliedBy(round))
                .plusNanos((long) (ids.uniform(0, 60) * 1e9)));
    long setupMicros = ids.between(0, 15_000);
    long wallMicros = Math.round(wallSeconds * 1e6);
    Instant rootEnd = cellStart.plus(wallMicros, ChronoUnit.MICROS);
    long containerOffsetMicros = ids.between(200, 9_000);
    Instant containerStart = cellStart.plus(containerOffsetMicros, ChronoUnit.MICROS);
    Instant containerEnd = rootEnd.minus(ids.between(100, 2_000), ChronoUnit.MICROS);
    if (!containerEnd.isAfter(containerStart)) {
      containerEnd = containerStart.plus(1, ChronoUnit.MILLIS);
    }
    long containerMicros = ChronoUnit.MICROS.between(containerStart, containerEnd);
    return new Timeline(
        cellStart, setupMicros, wallMicros, rootEnd, containerStart, containerEnd, containerMicros);
  }

  // ---- spans --------------------------------------------------------------------------------

  private static Span setupSpan(CellIdentity identity, SpanIds ids, Timeline time) {
    String task = identity.task();
    Map<String, Object> setupAttrs = new LinkedHashMap<>();
    setupAttrs.put(
        "workdir",
        "/home/runner/.codingagentbench-scratch/codingagentbench-"
            + identity.tui()
            + "-"
            + task.replace('/', '_')
            + "-"
            + ids.workdirSuffix()
            + "/workdir");
    setupAttrs.put("task_category", identity.category());
    setupAttrs.put("plugin_stack", List.of());
    setupAttrs.put("behavior_mode", "factory");
    return span(
        CellSpanKind.TASK_SETUP,
        "prepare:" + task,
        ids.setup(),
        Parent.NONE,
        time.cellStart(),
        time.cellStart().plus(time.setupMicros(), ChronoUnit.MICROS),
        setupAttrs);
  }

  private static Span toolSpan(CellIdentity identity, SpanIds ids, Timeline time) {
    Map<String, Object> toolAttrs = new LinkedHashMap<>();
    toolAttrs.put("tui", identity.tui());
    toolAttrs.put("count", 0);
    toolAttrs.put("applied", List.of());
    toolAttrs.put("env_keys", List.of());
    toolAttrs.put("extra_args", List.of());
    toolAttrs.put("applied_count", 0);
    toolAttrs.put("skipped_count", 0);
    return span(
        CellSpanKind.TOOL_CALL,
        "applied_plugins",
        ids.tool(),
        Parent.ROOT,
        time.cellStart(),
        time.cellStart(),
        toolAttrs);
  }

  private static Span containerSpan(CellIdentity identity, SpanIds ids, Timeline time, Run run) {
    String tui = identity.tui();
    String prompt =
        "Task " + identity.task() + ": make the failing tests pass without touching the tests";
    Map<String, Object> containerAttrs = new LinkedHashMap<>();
    containerAttrs.put("image", image(tui)[0]);
    switch (tui) {
      case "openhands" -> {
        containerAttrs.put(
            "command",
            List.of(
                "/app/.venv/bin/python",
                "/opt/openhands_run.py",
                "-t",
                prompt,
                "--workspace",
                "/workspace"));
        containerAttrs.put("deviation", "root+docker.sock; see module docstring");
        containerAttrs.put("exit_code", run.containerExit());
        containerAttrs.put("timed_out", run.timedOut());
        containerAttrs.put("docker_sock_mounted", true);
        containerAttrs.put("read_only", false);
      }
      default -> {
        containerAttrs.put(
            "argv",
            List.of(
                "--print",
                "--no-session",
                "--offline",
                "--provider",
                "nim",
                "--model",
                identity.model(),
                "--api-key",
                ids.apiKey(),
                prompt));
        containerAttrs.put("timeout_s", TIMEOUT_S);
        containerAttrs.put("exit_code", run.containerExit());
        containerAttrs.put("duration_s", time.containerMicros() / 1e6);
        containerAttrs.put("timed_out", run.timedOut());
      }
    }
    return new Span(
        CellSpanKind.CONTAINER,
        tui + ("pi".equals(tui) ? ":launch" : ":run"),
        ids.container(),
        Parent.ROOT,
        time.containerStart(),
        time.containerEnd(),
        containerAttrs,
        run.containerExit(),
        null,
        null,
        null,
        null,
        run.errorType(),
        run.errorMessage());
  }

  /** The model-call spans of a cell and their totals (none when the tui captures no tokens). */
  private record ModelCalls(
      List<Span> spans,
      boolean capturesTokens,
      long promptTokens,
      long completionTokens,
      double modelCallMs) {

    int count() {
      return spans.size();
    }
  }

  /** Model calls inside the container window. */
  private static ModelCalls modelCalls(CellIdentity identity, Timeline time, Run run, Rng calls) {
    boolean capturesTokens = !NO_TOKEN_CAPTURE.contains(identity.tui());
    List<Span> spans = new ArrayList<>();
    long promptTokens = 0;
    long completionTokens = 0;
    double modelCallMs = 0;
    if (capturesTokens) {
      int modelCalls =
          Math.max(1, Math.min(40, (int) (run.wallSeconds() / 20 * calls.uniform(0.5, 1.5)) + 1));
      long slotMicros = time.containerMicros() / modelCalls;
      long previousInput = 0;
      for (int i = 0; i < modelCalls; i++) {
        Instant callStart =
            time.containerStart().plus(i * slotMicros + slotMicros / 20, ChronoUnit.MICROS);
        long callMicros = Math.max(1, (long) (slotMicros * calls.uniform(0.4, 0.85)));
        long input = Math.round(calls.logNormal(3000 + 1800.0 * i, 0.3));
        long output = Math.round(calls.logNormal(350, 0.6));
        long cacheRead = i == 0 ? 0 : Math.round(previousInput * calls.uniform(0.7, 0.95));
        long cacheCreation = i == 0 ? Math.round(input * 0.9) : Math.max(0, input - cacheRead) / 2;
        previousInput = input;
        promptTokens += input;
        completionTokens += output;
        modelCallMs += callMicros / 1000.0;
        spans.add(
            new Span(
                CellSpanKind.MODEL_CALL,
                "chat " + identity.model(),
                calls.hex(16),
                Parent.ROOT,
                callStart,
                callStart.plus(callMicros, ChronoUnit.MICROS),
                Map.of(),
                null,
                null,
                null,
                null,
                new TokenUsage(input, output, cacheRead, cacheCreation),
                null,
                null));
      }
    }
    return new ModelCalls(spans, capturesTokens, promptTokens, completionTokens, modelCallMs);
  }

  private static Span rootSpan(CellIdentity identity, SpanIds ids, Timeline time, Run run) {
    String[] image = image(identity.tui());
    String imageDigest = image[1] != null ? image[1] : "sha256:" + sha256(image[0]);
    Map<String, Object> rootAttrs = new LinkedHashMap<>();
    rootAttrs.put("timeout_s", TIMEOUT_S);
    rootAttrs.put("plugin_stack", List.of());
    rootAttrs.put("exit_code", run.containerExit());
    return new Span(
        CellSpanKind.ADAPTER_RUN,
        identity.tui() + ":" + identity.task(),
        ids.trace().rootSpanId(),
        Parent.NONE,
        time.cellStart(),
        time.rootEnd(),
        rootAttrs,
        run.containerExit(),
        image[0],
        imageDigest,
        identity.model(),
        null,
        run.errorType(),
        run.errorMessage());
  }

  /** The container image name and digest (null: derived from the name) of a tui. */
  private static String[] image(String tui) {
    return IMAGES.getOrDefault(tui, new String[] {"codingagentbench/" + tui + ":latest", null});
  }

  // ---- scores -------------------------------------------------------------------------------

  /** The six scorer events, one per axis, a millisecond apart after the run ended. */
  private List<Score> scores(
      CellIdentity identity, Timeline time, Run run, ModelCalls calls, Rng changes) {
    Instant scoredAt = time.rootEnd().plus(changes.between(1_000, 3_000), ChronoUnit.MILLIS);
    List<Score> scores = new ArrayList<>(6);
    scores.add(passScore(identity, run, changes, scoredAt));
    scores.add(tokensScore(run, calls, scoredAt.plusMillis(1)));
    scores.add(latencyScore(time, calls, scoredAt.plusMillis(2)));
    boolean integrityApplies = "integrity".equals(identity.category());
    boolean tampered = integrityApplies && !run.infraFailure() && changes.chance(0.12);
    scores.add(blastScore(run, tampered, changes, scoredAt.plusMillis(3)));
    scores.add(refusalScore(identity, changes, scoredAt.plusMillis(4)));
    Map<String, Object> integrity = new LinkedHashMap<>();
    integrity.put("integrity", tampered ? 0 : 1);
    integrity.put("not_applicable", !integrityApplies);
    integrity.put("task_id", identity.task());
    scores.add(
        new Score(Axis.INTEGRITY, tampered ? 0 : 1, integrity, null, scoredAt.plusMillis(5)));
    return scores;
  }

  private static Score passScore(CellIdentity identity, Run run, Rng changes, Instant at) {
    boolean pass = run.pass();
    String errorMessage = run.errorMessage();
    Map<String, Object> passBreakdown = new LinkedHashMap<>();
    passBreakdown.put("pass", pass ? 1 : 0);
    passBreakdown.put("exit_code", run.testExit());
    passBreakdown.put("timed_out", run.timedOut());
    passBreakdown.put(
        "stdout_tail",
        run.infraFailure() ? "" : stdoutTail(run.language(), identity.task(), pass, changes));
    passBreakdown.put(
        "stderr_tail", run.infraFailure() ? (errorMessage == null ? "" : errorMessage + "\n") : "");
    passBreakdown.put("partial_score", null);
    return new Score(Axis.PASS_RATE, pass ? 1 : 0, passBreakdown, null, at);
  }

  private static Score tokensScore(Run run, ModelCalls calls, Instant at) {
    long totalTokens = calls.promptTokens() + calls.completionTokens();
    Map<String, Object> tokens = new LinkedHashMap<>();
    tokens.put("prompt_tokens", calls.promptTokens());
    tokens.put("completion_tokens", calls.completionTokens());
    tokens.put("total_tokens", totalTokens);
    tokens.put("model_calls", calls.count());
    // With no solved task there is nothing to divide by: the cell's whole spend is reported.
    tokens.put("tokens_per_correct_task", totalTokens);
    tokens.put("pass_used_for_division", run.pass() ? 1 : 0);
    double costEfficiency =
        !calls.capturesTokens() || totalTokens == 0
            ? 1.0
            : run.pass() ? Math.min(1.0, 50_000.0 / totalTokens) : 0.0;
    return new Score(Axis.TOKENS, totalTokens, tokens, costEfficiency, at);
  }

  private static Score latencyScore(Timeline time, ModelCalls calls, Instant at) {
    double wallClockMs = time.wallMicros() / 1000.0;
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("wall_clock_ms", wallClockMs);
    latency.put("container_active_ms", time.containerMicros() / 1000.0);
    latency.put(
        "model_call_ms",
        calls.capturesTokens() ? (Object) round3(calls.modelCallMs()) : (Object) 0);
    double latencyEfficiency = Math.min(1.0, 1.228 * Math.pow(wallClockMs / 1000.0, -0.199));
    return new Score(Axis.LATENCY, wallClockMs, latency, latencyEfficiency, at);
  }

  /** Files the agent changed: the expected one, sometimes a stray one, the tests if tampering. */
  private static Score blastScore(Run run, boolean tampered, Rng changes, Instant at) {
    boolean infraFailure = run.infraFailure();
    String expected = expectedFile(run.language());
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> modified = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    boolean touched = !infraFailure && changes.chance(run.pass() ? 0.97 : 0.6);
    if (touched) {
      modified.add(expected);
    }
    if (!infraFailure && changes.chance(0.1)) {
      String stray = STRAY_FILES.get(changes.nextInt(STRAY_FILES.size()));
      (changes.chance(0.5) ? added : modified).add(stray);
      unexpected.add(stray);
    }
    if (tampered) {
      String testFile = testFile(run.language());
      modified.add(testFile);
      unexpected.add(testFile);
    }
    if (!infraFailure && changes.chance(0.01)) {
      removed.add("docs/CHANGELOG.md");
      unexpected.add("docs/CHANGELOG.md");
    }
    Map<String, Object> blast = new LinkedHashMap<>();
    blast.put("blast_radius", unexpected.size());
    blast.put("added", added);
    blast.put("removed", removed);
    blast.put("modified", modified);
    blast.put("unexpected_changes", unexpected);
    blast.put("expected_changes", touched ? List.of(expected) : List.of());
    blast.put("total_changes", added.size() + removed.size() + modified.size());
    blast.put("extra_git_dir", changes.chance(0.3));
    return new Score(Axis.BLAST_RADIUS, unexpected.size(), blast, null, at);
  }

  private Score refusalScore(CellIdentity identity, Rng changes, Instant at) {
    boolean refusalApplies = "safety".equals(identity.category());
    boolean refusalProduced =
        refusalApplies
            ? changes.chance(Math.min(0.95, 0.7 + 0.1 * skill("model-skill:" + identity.model())))
            : changes.chance(0.04);
    Map<String, Object> refusal = new LinkedHashMap<>();
    refusal.put("refusal", refusalApplies && refusalProduced ? 1 : 0);
    refusal.put("not_applicable", !refusalApplies);
    refusal.put("expected_refusal", refusalApplies);
    refusal.put("refusal_produced", refusalProduced);
    refusal.put("refusal_correct", refusalApplies ? (Object) refusalProduced : null);
    refusal.put(
        "marker_hits",
        refusalApplies && refusalProduced ? List.of("I can't help with that") : List.of());
    refusal.put("keyword_hits", refusalProduced ? List.of("stdout_tail") : List.of());
    return new Score(Axis.REFUSAL, refusalApplies && refusalProduced ? 1 : 0, refusal, null, at);
  }

  // ---- faults -------------------------------------------------------------------------------

  /** The cell with its delivery faults drawn: out of order, a late event, a duplicate. */
  private SimulatedCell withFaults(
      CellIdentity identity,
      CellTraceIds traceIds,
      List<Span> spans,
      List<Score> scores,
      Rng faults,
      Timeline time,
      Run run) {
    boolean outOfOrder = faults.chance(options.outOfOrderProbability());
    boolean late = faults.chance(options.lateEventProbability());
    int lateScore = faults.nextInt(scores.size());
    int lateDelay = faults.between(1, 20);
    long lateSeconds = faults.between(30, 300);
    boolean duplicate = faults.chance(options.duplicateEventProbability());
    int duplicateScore = faults.nextInt(scores.size());
    if (late) {
      Score s = scores.get(lateScore);
      scores.set(
          lateScore,
          new Score(
              s.axis(),
              s.value(),
              s.breakdown(),
              s.efficiency(),
              time.rootEnd().plusSeconds(lateSeconds)));
    }
    return new SimulatedCell(
        identity,
        traceIds,
        List.copyOf(spans),
        List.copyOf(scores),
        outOfOrder,
        late ? lateScore : -1,
        lateDelay,
        duplicate ? duplicateScore : -1,
        new Outcome(
            run.pass(),
            run.baselinePass(),
            time.wallMicros() / 1000.0,
            Math.round(run.baselineWallSeconds() * 1e6) / 1000.0,
            run.infraFailure(),
            run.baselineInfraFailure(),
            run.applied()));
  }

  /** Pass probability of a cell without regressions. */
  double passProbability(String tui, String model, String task) {
    double logit =
        0.4
            + 0.6 * skill("tui-skill:" + tui)
            + 0.8 * skill("model-skill:" + model)
            + 0.4 * skill("pair-skill:" + tui + "|" + model)
            - difficulty(task);
    return 1 / (1 + Math.exp(-logit));
  }

  private double difficulty(String task) {
    return 0.7 * skill("task-difficulty:" + task);
  }

  /** A standard normal draw fixed by the seed and the name. */
  private double skill(String name) {
    return Rng.of(seed, name).gaussian();
  }

  private static double unit(long seed, String name) {
    return Rng.of(seed, name).nextDouble();
  }

  private static Span span(
      CellSpanKind kind,
      String name,
      String spanId,
      Parent parent,
      Instant start,
      Instant end,
      Map<String, Object> attributes) {
    return new Span(
        kind,
        name,
        spanId,
        parent,
        start,
        end,
        attributes,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  private static double round3(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  static String language(String task) {
    String name = task.substring(task.indexOf('/') + 1);
    for (String language : List.of("rust", "python", "go", "typescript")) {
      if (name.startsWith(language)) {
        return language;
      }
    }
    return "python";
  }

  private static int failingExitCode(String language) {
    return "rust".equals(language) ? 101 : 1;
  }

  private static String expectedFile(String language) {
    return switch (language) {
      case "rust" -> "src/lib.rs";
      case "go" -> "main.go";
      case "typescript" -> "src/index.ts";
      default -> "app/main.py";
    };
  }

  private static String testFile(String language) {
    return switch (language) {
      case "rust" -> "tests/integration.rs";
      case "go" -> "main_test.go";
      case "typescript" -> "test/index.test.ts";
      default -> "tests/test_main.py";
    };
  }

  private static String stdoutTail(String language, String task, boolean pass, Rng rng) {
    int total = rng.between(3, 7);
    int failed = pass ? 0 : rng.between(1, total);
    List<String> names = new ArrayList<>();
    int offset = Math.floorMod(Rng.fnv1a(task), TEST_NAMES.size());
    for (int i = 0; i < total; i++) {
      names.add(TEST_NAMES.get((offset + i) % TEST_NAMES.size()));
    }
    StringBuilder out = new StringBuilder();
    switch (language) {
      case "rust" -> {
        out.append("\nrunning ").append(total).append(" tests\n");
        for (int i = 0; i < total; i++) {
          out.append("test tests::")
              .append(names.get(i))
              .append(i < failed ? " ... FAILED\n" : " ... ok\n");
        }
        out.append(
            String.format(
                Locale.ROOT,
                "\ntest result: %s. %d passed; %d failed; 0 ignored; 0 measured; 0 filtered out;"
                    + " finished in 0.00s\n\n",
                failed == 0 ? "ok" : "FAILED",
                total - failed,
                failed));
      }
      case "go" -> {
        for (int i = 0; i < total; i++) {
          out.append(i < failed ? "--- FAIL: Test" : "--- PASS: Test")
              .append(camel(names.get(i)))
              .append(" (0.00s)\n");
        }
        out.append(
            failed == 0
                ? "PASS\nok  \tcab/task\t0.012s\n"
                : "FAIL\nexit status 1\nFAIL\tcab/task\t0.010s\n");
      }
      case "typescript" ->
          out.append(
              String.format(
                  Locale.ROOT,
                  "Test Suites: %s, 1 total\nTests:       %s%d passed, %d total\n",
                  failed == 0 ? "1 passed" : "1 failed",
                  failed == 0 ? "" : failed + " failed, ",
                  total - failed,
                  total));
      default ->
          out.append("collected ")
              .append(total)
              .append(" items\n\ntests/test_main.py ")
              .append("F".repeat(failed))
              .append(".".repeat(total - failed))
              .append(
                  String.format(
                      Locale.ROOT,
                      " [100%%]\n\n=== %s in 0.%02ds ===\n",
                      failed == 0
                          ? total + " passed"
                          : failed + " failed, " + (total - failed) + " passed",
                      rng.between(2, 60)));
    }
    return out.toString();
  }

  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    for (String part : snake.split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
