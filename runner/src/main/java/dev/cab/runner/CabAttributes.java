package dev.cab.runner;

import java.util.List;

/**
 * The attribute keys and values of the runner wire contract: what the collector decodes from the
 * spans and scorer events this SDK emits. This is the SDK's public contract, in the manner of the
 * OpenTelemetry semantic conventions; the strings are the same as the pipeline's own {@code
 * dev.cab.model.wire.WireAttributes}. The copy is deliberate: runners embed this SDK, and it does
 * not depend on the pipeline's model module so that they never pull Kafka onto their classpath (and
 * model's tests use the runner's seed fixture, so Maven would see a cycle). {@code
 * RunnerAttributesMatchWireAttributesTest} in model keeps the two equal. The GenAI conventions are
 * still in Development status, so they are pinned here as strings; our own keys live under {@code
 * cab.}.
 */
public final class CabAttributes {
  private CabAttributes() {}

  // Cell identity: on every span and scorer event.
  public static final String CELL_ID = "cab.cell.id";
  public static final String SWEEP_ID = "cab.sweep.id";
  public static final String TUI = "cab.tui";
  public static final String AGENT_NAME = "gen_ai.agent.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String TASK_ID = "cab.task.id";
  public static final String TASK_CATEGORY = "cab.task.category";
  public static final String SPAN_KIND = "cab.span.kind";

  // On the adapter_run (root) span; exit code and image also on container spans.
  public static final String CONTAINER_IMAGE_NAME = "container.image.name";
  public static final String CONTAINER_IMAGE_ID = "container.image.id";
  public static final String MODEL_BUILD_ID = "cab.model.build_id";
  public static final String PROCESS_EXIT_CODE = "process.exit.code";

  // On model_call spans.
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
  public static final String USAGE_CACHE_CREATION_INPUT_TOKENS =
      "gen_ai.usage.cache_creation.input_tokens";

  // Scorer events: OTLP log records with this event name.
  public static final String EVALUATION_EVENT_NAME = "gen_ai.evaluation.result";
  public static final String EVALUATION_NAME = "gen_ai.evaluation.name";
  public static final String EVALUATION_SCORE_VALUE = "gen_ai.evaluation.score.value";
  public static final String EVALUATION_SCORE_LABEL = "gen_ai.evaluation.score.label";
  public static final String EVALUATION_EXPLANATION = "gen_ai.evaluation.explanation";
  public static final String ERROR_TYPE = "error.type";

  // Sweep plans: an OTLP log record with this event name, declared before the cells run.
  public static final String SWEEP_PLAN_EVENT_NAME = "cab.sweep.plan";
  public static final String SWEEP_TUIS = "cab.sweep.tuis";
  public static final String SWEEP_MODELS = "cab.sweep.models";
  public static final String SWEEP_TASKS = "cab.sweep.tasks";
  public static final String SWEEP_BASELINE = "cab.sweep.baseline";

  /** On the latency event: the runner's sweep-normalised latency efficiency in [0, 1]. */
  public static final String LATENCY_EFFICIENCY = "cab.latency_efficiency";

  /** On the tokens event: the runner's sweep-normalised cost efficiency in [0, 1]. */
  public static final String COST_EFFICIENCY = "cab.cost_efficiency";

  /** Values of {@link #SPAN_KIND} (see {@link CellSpanKind}). */
  public static final class SpanKinds {
    private SpanKinds() {}

    public static final String TASK_SETUP = "task_setup";
    public static final String TOOL_CALL = "tool_call";
    public static final String CONTAINER = "container";
    public static final String ADAPTER_RUN = "adapter_run";
    public static final String CLEANUP = "cleanup";
    public static final String MODEL_CALL = "model_call";
  }

  /** Values of {@link #EVALUATION_NAME}: the scoring axes, in page order (see {@link Axis}). */
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
