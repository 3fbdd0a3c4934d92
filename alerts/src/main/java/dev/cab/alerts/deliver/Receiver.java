package dev.cab.alerts.deliver;

import dev.cab.model.wire.AlertRecord;
import java.time.Instant;
import java.util.List;

/** Somewhere alerts are delivered to. Implementations are thread-confined to the delivery loop. */
public interface Receiver {

  /** A name for logs, with no secret in it. */
  String name();

  /**
   * Delivers alerts (firing or resolved).
   *
   * @param alerts the current records of the alerts
   * @param now the sending time (firing alerts get {@code endsAt} relative to it)
   * @throws DeliveryException when the receiver did not accept them
   */
  void send(List<AlertRecord> alerts, Instant now) throws DeliveryException;

  /** Whether the receiver wants firing alerts re-sent periodically (Alertmanager does). */
  boolean wantsResend();
}
