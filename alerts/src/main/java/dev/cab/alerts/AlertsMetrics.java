package dev.cab.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the alerts stage, logged periodically and at shutdown. Thread-safe. */
public final class AlertsMetrics {
  final AtomicLong cells = new AtomicLong();
  final AtomicLong tombstones = new AtomicLong();
  final AtomicLong undecodable = new AtomicLong();
  final AtomicLong unusable = new AtomicLong();
  final AtomicLong transitions = new AtomicLong();
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong deliveryFailures = new AtomicLong();
  final AtomicLong rejectedByReceiver = new AtomicLong();
  final AtomicLong resends = new AtomicLong();

  /** Every counter by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("cells", cells.get());
    m.put("tombstones", tombstones.get());
    m.put("undecodable_cells", undecodable.get());
    m.put("unusable_cells", unusable.get());
    m.put("transitions", transitions.get());
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
