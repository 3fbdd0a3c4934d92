package dev.cab.model.wire;

import java.util.List;

/**
 * Attribute keys of the runner wire contract (docs/ARCHITECTURE.md). The OpenTelemetry GenAI
 * conventions are still in Development status, so they are pinned here as strings rather than taken
 * from the incubating semconv artifact; our own keys live under {@code cab.}.
 */
public final class WireAttributes {
  private WireAttributes() {}

  // Cell identity: on every span and scorer event, as span, log or resource attributes.
  public static final String CELL_ID = "cab.cell.id";
  public static final String SWEEP_ID = "cab.sweep.id";
  public static final String TUI = "cab.tui";
  public static final String AGENT_NAME = "gen_ai.agent.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String TASK_ID = "cab.task.id";
  public static final String TASK_CATEGORY = "cab.task.category";
  public static final String SPAN_KIND = "cab.span.kind";

  // On the adapter_run (root) span.
  public static final String CONTAINER_IMAGE_NAME = "container.image.name";
  public static final String CONTAINER_IMAGE_ID = "container.image.id";
  public static final String MODEL_BUILD_ID = "cab.model.build_id";
  public static final String PROCESS_EXIT_CODE = "process.exit.code";

  // On model_call spans.
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  public static final String USAGE_CACHE_CREATION_INPUT_TOKENS =
      "gen_ai.usage.cache_creation.input_tokens";

  // Scorer events: OTLP log records.
  public static final String EVALUATION_EVENT_NAME = "gen_ai.evaluation.result";
  public static final String EVENT_NAME = "event.name";
  public static final String EVALUATION_NAME = "gen_ai.evaluation.name";
  public static final String EVALUATION_SCORE_VALUE = "gen_ai.evaluation.score.value";
  public static final String EVALUATION_SCORE_LABEL = "gen_ai.evaluation.score.label";
  public static final String EVALUATION_EXPLANATION = "gen_ai.evaluation.explanation";
  public static final String ERROR_TYPE = "error.type";

  /** On the latency event: the runner's sweep-normalised latency efficiency, used as is. */
  public static final String LATENCY_EFFICIENCY = "cab.latency_efficiency";

  /** On the tokens event: the runner's sweep-normalised cost efficiency, used as is. */
  public static final String COST_EFFICIENCY = "cab.cost_efficiency";

  // Sweep plans: an OTLP log record named SWEEP_PLAN_EVENT_NAME, declared before the cells run.
  public static final String SWEEP_PLAN_EVENT_NAME = "cab.sweep.plan";
  public static final String SWEEP_TUIS = "cab.sweep.tuis";
  public static final String SWEEP_MODELS = "cab.sweep.models";
  public static final String SWEEP_TASKS = "cab.sweep.tasks";
  public static final String SWEEP_BASELINE = "cab.sweep.baseline";

  /** Values of {@link #SPAN_KIND}. */
  public static final class SpanKinds {
    private SpanKinds() {}

    public static final String TASK_SETUP = "task_setup";
    public static final String TOOL_CALL = "tool_call";
    public static final String CONTAINER = "container";
    public static final String ADAPTER_RUN = "adapter_run";
    public static final String CLEANUP = "cleanup";
    public static final String MODEL_CALL = "model_call";
  }

  /** Values of {@link #EVALUATION_NAME}: the scoring axes, in page order. */
  public static final class Axes {
    private Axes() {}

    public static final String PASS_RATE = "pass_rate";
    public static final String TOKENS = "tokens";
    public static final String LATENCY = "latency";
    public static final String BLAST_RADIUS = "blast_radius";
    public static final String REFUSAL = "refusal";
    public static final String INTEGRITY = "integrity";

    /** The axes a cell needs to be complete, in page order. */
    public static final List<String> REQUIRED =
        List.of(PASS_RATE, TOKENS, LATENCY, BLAST_RADIUS, REFUSAL, INTEGRITY);
  }
}
