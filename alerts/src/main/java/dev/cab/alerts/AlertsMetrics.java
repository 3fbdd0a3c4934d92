package dev.cab.alerts;

import dev.cab.alerts.lifecycle.AlertStates;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Counters of the alerts stage, logged periodically and at shutdown and, once {@link #bind bound},
 * served as {@code cab_alerts_*} on the management port. Thread-safe.
 */
public final class AlertsMetrics {
  /** The states an alert can be in, as counted by {@code cab_alerts_transitions_total{state}}. */
  static final List<String> STATES =
      List.of(AlertStates.PENDING, AlertStates.FIRING, AlertStates.RESOLVED, AlertStates.INACTIVE);

  final AtomicLong cells = new AtomicLong();
  final AtomicLong tombstones = new AtomicLong();
  final AtomicLong undecodable = new AtomicLong();
  final AtomicLong unusable = new AtomicLong();
  final AtomicLong plans = new AtomicLong();
  final AtomicLong undecodablePlans = new AtomicLong();
  final AtomicLong hypothesesTested = new AtomicLong();
  final AtomicLong transitions = new AtomicLong();
  final Map<String, AtomicLong> transitionsByState = new LinkedHashMap<>();
  final Map<String, AtomicLong> currentByState = new LinkedHashMap<>();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong deliveryFailures = new AtomicLong();
  final AtomicLong rejectedByReceiver = new AtomicLong();
  final AtomicLong resends = new AtomicLong();

  AlertsMetrics() {
    for (String s : STATES) {
      transitionsByState.put(s, new AtomicLong());
      currentByState.put(s, new AtomicLong());
    }
  }

  /** Counts one transition into {@code state}. */
  void transition(String state) {
    transitions.incrementAndGet();
    AtomicLong n = transitionsByState.get(state);
    if (n != null) {
      n.incrementAndGet();
    }
  }

  /** Sets how many alerts are in each state now. */
  void current(Map<String, Long> byState) {
    currentByState.forEach((s, n) -> n.set(byState.getOrDefault(s, 0L)));
  }

  /** Registers every counter in {@code registry} (the stage's, labelled {@code stage=alerts}). */
  void bind(MeterRegistry registry) {
    counter(registry, "cab.alerts.cells", "cell records read", cells);
    counter(registry, "cab.alerts.tombstones", "cell deletions read", tombstones);
    counter(
        registry, "cab.alerts.undecodable.cells", "cell records that did not decode", undecodable);
    counter(
        registry,
        "cab.alerts.unusable.cells",
        "cells without sweep, tui, model or task, left out of detection",
        unusable);
    counter(registry, "cab.alerts.sweep.plans", "sweep plans read", plans);
    counter(
        registry,
        "cab.alerts.undecodable.sweep.plans",
        "sweep plans that did not decode or had no sweep id",
        undecodablePlans);
    counter(
        registry,
        "cab.alerts.hypotheses.tested",
        "hypothesis tests run (one per look taken at a hypothesis)",
        hypothesesTested);
    for (var e : transitionsByState.entrySet()) {
      FunctionCounter.builder("cab.alerts.transitions", e.getValue(), AtomicLong::doubleValue)
          .description("alert transitions written to cab.alerts.v1, by the state entered")
          .tag("state", e.getKey())
          .register(registry);
    }
    for (var e : currentByState.entrySet()) {
      Gauge.builder(
              "cab.alerts.active", e.getValue(), (ToDoubleFunction<AtomicLong>) AtomicLong::get)
          .description("alerts of the comparisons in each state now")
          .tag("state", e.getKey())
          .register(registry);
    }
    counter(registry, "cab.alerts.deliveries", "transitions a receiver accepted", delivered);
    counter(
        registry,
        "cab.alerts.delivery.failures",
        "delivery attempts that failed (retried unless refused)",
        deliveryFailures);
    counter(
        registry,
        "cab.alerts.rejected.by.receiver",
        "transitions a receiver refused with a 4xx, not retried",
        rejectedByReceiver);
    counter(registry, "cab.alerts.resends", "firing alerts re-sent to Alertmanager", resends);
  }

  private static void counter(MeterRegistry r, String name, String description, AtomicLong n) {
    FunctionCounter.builder(name, n, AtomicLong::doubleValue).description(description).register(r);
  }

  /** Every counter by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("cells", cells.get());
    m.put("tombstones", tombstones.get());
    m.put("undecodable_cells", undecodable.get());
    m.put("unusable_cells", unusable.get());
    m.put("sweep_plans", plans.get());
    m.put("undecodable_sweep_plans", undecodablePlans.get());
    m.put("hypotheses_tested", hypothesesTested.get());
    m.put("transitions", transitions.get());
    transitionsByState.forEach((s, n) -> m.put("transitions_" + s, n.get()));
    currentByState.forEach((s, n) -> m.put("active_" + s, n.get()));
    m.put("delivered", delivered.get());
    m.put("delivery_failures", deliveryFailures.get());
    m.put("rejected_by_receiver", rejectedByReceiver.get());
    m.put("resends", resends.get());
    return m;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
