package dev.cab.alerts.deliver;

import dev.cab.alerts.lifecycle.AlertStates;
import dev.cab.model.wire.AlertRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our alerts in Alertmanager's shapes: the {@code POST /api/v2/alerts} body and the webhook payload
 * (version 4). Labels identify the alert ({@code alertname} = {@code cab_<rule>}, sweep, baseline,
 * and tui, model, task when the rule names them; empty labels are left out, as Alertmanager treats
 * them as absent); annotations carry the evidence. Stateless.
 */
public final class AlertPayloads {
  private AlertPayloads() {}

  /** The labels of an alert. */
  public static Map<String, String> labels(AlertRecord a) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("alertname", "cab_" + a.rule());
    l.put("rule", a.rule());
    l.put("sweep", a.sweepId());
    l.put("baseline", a.baselineSweepId());
    putIfText(l, "tui", a.tui());
    putIfText(l, "model", a.model());
    putIfText(l, "task", a.task());
    l.put("severity", "warning");
    l.put("source", "cab-telemetry");
    return l;
  }

  /** The annotations: the summary and the numbers. */
  public static Map<String, String> annotations(AlertRecord a) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("summary", a.summary() == null ? a.rule() : a.summary());
    m.put("fingerprint", a.fingerprint());
    if (a.evidence() != null) {
      var e = a.evidence();
      m.put("test", e.test());
      m.put("p_value", String.format(Locale.ROOT, "%.3g", e.pValue()));
      m.put("sequential_p_value", String.format(Locale.ROOT, "%.3g", e.sequentialPValue()));
      m.put("adjusted_p_value", String.format(Locale.ROOT, "%.3g", e.adjustedPValue()));
      m.put("effect", String.format(Locale.ROOT, "%.4g %s", e.effect(), e.effectUnit()));
      if (e.effectLow() != null && e.effectHigh() != null) {
        m.put(
            "effect_ci95", String.format(Locale.ROOT, "%.4g..%.4g", e.effectLow(), e.effectHigh()));
      }
      m.put("counts", e.counts().toString());
    }
    return m;
  }

  /**
   * One alert for {@code POST /api/v2/alerts}: a firing alert ends {@code hold} after {@code now}
   * unless re-sent (so Alertmanager resolves it by itself if this stage dies), a resolved one at
   * its resolution time.
   */
  public static Map<String, Object> alertmanagerAlert(AlertRecord a, Instant now, Duration hold) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("labels", labels(a));
    m.put("annotations", annotations(a));
    m.put("startsAt", a.startsAt().toString());
    boolean firing = a.state().equals(AlertStates.FIRING);
    m.put("endsAt", (firing ? now.plus(hold) : a.endsAt() == null ? now : a.endsAt()).toString());
    m.put("generatorURL", "");
    return m;
  }

  /** The webhook payload (Alertmanager's webhook JSON, version 4) for one transition. */
  public static Map<String, Object> webhook(AlertRecord a, String receiver) {
    boolean firing = a.state().equals(AlertStates.FIRING);
    String status = firing ? "firing" : "resolved";
    Map<String, String> labels = labels(a);
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("status", status);
    alert.put("labels", labels);
    alert.put("annotations", annotations(a));
    alert.put("startsAt", a.startsAt().toString());
    alert.put(
        "endsAt", firing || a.endsAt() == null ? "0001-01-01T00:00:00Z" : a.endsAt().toString());
    alert.put("generatorURL", "");
    alert.put("fingerprint", a.fingerprint());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", "4");
    m.put(
        "groupKey",
        "{}:{alertname=\""
            + labels.get("alertname")
            + "\", fingerprint=\""
            + a.fingerprint()
            + "\"}");
    m.put("truncatedAlerts", 0);
    m.put("status", status);
    m.put("receiver", receiver);
    m.put("groupLabels", Map.of("alertname", labels.get("alertname")));
    m.put("commonLabels", labels);
    m.put("commonAnnotations", annotations(a));
    m.put("externalURL", "");
    m.put("alerts", List.of(alert));
    return m;
  }

  private static void putIfText(Map<String, String> m, String k, String v) {
    if (v != null && !v.isEmpty()) {
      m.put(k, v);
    }
  }
}
