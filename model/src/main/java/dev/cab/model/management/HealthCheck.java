package dev.cab.model.management;

import java.time.Duration;

/**
 * One dependency a stage needs to be ready (its Kafka, its ClickHouse). {@link #check} returns
 * normally when the dependency answered within the timeout and throws otherwise; the message of the
 * exception is what {@code /health/ready} shows. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface HealthCheck {
  void check(Duration timeout) throws Exception;
}
