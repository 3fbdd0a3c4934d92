package dev.cab.model.config;

import java.time.Duration;

/**
 * The consumer-group session timeout of a stage's Kafka consumers (classic group protocol, the
 * Kafka 4 clients' default): how long the group coordinator waits for the heartbeat of a member
 * that vanished without leaving (SIGKILL, a lost host) before it hands that member's partitions to
 * the others. A stopped (SIGTERM) member leaves at once and is not concerned.
 *
 * <p>The broker accepts values between its {@code group.min.session.timeout.ms} (6 s by default)
 * and {@code group.max.session.timeout.ms} (30 min by default); the settings check the defaults so
 * a bad value fails at start with the setting's name rather than as a Kafka error at join time.
 * Lower values take over sooner but expire a member whose JVM stalls (a long GC pause, a starved
 * machine) for that long, which costs a rebalance.
 */
public final class GroupSessionTimeout {
  /** Kafka's default {@code session.timeout.ms}. */
  public static final Duration DEFAULT = Duration.ofSeconds(45);

  /** The broker's default {@code group.min.session.timeout.ms}. */
  public static final Duration BROKER_MIN = Duration.ofSeconds(6);

  /** The broker's default {@code group.max.session.timeout.ms}. */
  public static final Duration BROKER_MAX = Duration.ofMinutes(30);

  /** Kafka's default {@code heartbeat.interval.ms}. */
  private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(3);

  private GroupSessionTimeout() {}

  /**
   * Reads {@code key} (a {@code .ms} duration); a value outside the broker's bounds is a problem.
   */
  public static Duration read(ConfigValues values, String key) {
    Duration timeout = values.duration(key, DEFAULT);
    if (timeout.compareTo(BROKER_MIN) < 0 || timeout.compareTo(BROKER_MAX) > 0) {
      values.problem(
          key,
          "must be between "
              + BROKER_MIN.toMillis()
              + " and "
              + BROKER_MAX.toMillis()
              + " ms (the broker's group.min/max.session.timeout.ms defaults), not "
              + timeout.toMillis());
      return DEFAULT;
    }
    return timeout;
  }

  /**
   * The heartbeat interval for {@code sessionTimeout}: Kafka's 3 s, or a third of the session
   * timeout when that is shorter (Kafka's advice: no more than a third, so two lost heartbeats do
   * not expire the member).
   */
  public static Duration heartbeatInterval(Duration sessionTimeout) {
    Duration third = sessionTimeout.dividedBy(3);
    return third.compareTo(DEFAULT_HEARTBEAT) < 0 ? third : DEFAULT_HEARTBEAT;
  }
}
