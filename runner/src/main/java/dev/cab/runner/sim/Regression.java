package dev.cab.runner.sim;

import dev.cab.runner.CellIdentity;
import java.util.Objects;

/**
 * A regression the simulator injects so the pipeline's detection has something to find. Each
 * variant says which cells it touches and how; {@link SimulationReport#regressions()} records what
 * it did. Regressions apply to the cells from {@link SimulationOptions#regressionOnset()} on.
 */
public sealed interface Regression {

  /** Whether the regression touches this cell. */
  boolean appliesTo(CellIdentity cell);

  /** One line for reports, e.g. {@code pass rate of aider × m lowered by 0.40}. */
  String describe();

  /** The pass probability of one tui × model pair drops by {@code drop} (floored at 0). */
  record PassRateDrop(String tui, String model, double drop) implements Regression {
    public PassRateDrop {
      requireText(tui, "tui");
      requireText(model, "model");
      if (!(drop > 0 && drop <= 1)) {
        throw new IllegalArgumentException(
            "regressions: pass rate drop must be in (0, 1]: " + drop);
      }
    }

    @Override
    public boolean appliesTo(CellIdentity cell) {
      return cell.tui().equals(tui) && cell.model().equals(model);
    }

    @Override
    public String describe() {
      return String.format(
          java.util.Locale.ROOT, "pass rate of %s × %s lowered by %.2f", tui, model, drop);
    }
  }

  /** A task that starts failing for every tui and model (its tests break). */
  record TaskFailsEverywhere(String task) implements Regression {
    public TaskFailsEverywhere {
      requireText(task, "task");
    }

    @Override
    public boolean appliesTo(CellIdentity cell) {
      return cell.task().equals(task);
    }

    @Override
    public String describe() {
      return "task " + task + " fails everywhere";
    }
  }

  /** Wall clock of every cell of one tui, or of one model, multiplied by {@code factor}. */
  record LatencyJump(Target target, String name, double factor) implements Regression {
    /** What {@link LatencyJump#name} names. */
    public enum Target {
      TUI,
      MODEL
    }

    public LatencyJump {
      Objects.requireNonNull(target, "target");
      requireText(name, "name");
      if (!(factor > 0 && Double.isFinite(factor))) {
        throw new IllegalArgumentException(
            "regressions: latency factor must be positive and finite: " + factor);
      }
    }

    @Override
    public boolean appliesTo(CellIdentity cell) {
      return (target == Target.TUI ? cell.tui() : cell.model()).equals(name);
    }

    @Override
    public String describe() {
      return String.format(
          java.util.Locale.ROOT,
          "latency of %s %s multiplied by %.2f",
          target == Target.TUI ? "tui" : "model",
          name,
          factor);
    }
  }

  /** {@link PassRateDrop}. */
  static Regression passRateDrop(String tui, String model, double drop) {
    return new PassRateDrop(tui, model, drop);
  }

  /** {@link TaskFailsEverywhere}. */
  static Regression taskFailsEverywhere(String task) {
    return new TaskFailsEverywhere(task);
  }

  /** {@link LatencyJump} for a tui. */
  static Regression latencyJumpForTui(String tui, double factor) {
    return new LatencyJump(LatencyJump.Target.TUI, tui, factor);
  }

  /** {@link LatencyJump} for a model. */
  static Regression latencyJumpForModel(String model, double factor) {
    return new LatencyJump(LatencyJump.Target.MODEL, model, factor);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("regressions: " + name + " must not be blank");
    }
  }
}
