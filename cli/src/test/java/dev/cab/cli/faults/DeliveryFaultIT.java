package dev.cab.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.embedded.junit.ClickHouseExtension;
import dev.cab.embedded.junit.ClickHouseTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runners delivering badly: every batch split and sent second half first, every second batch sent
 * again a second later (after newer data), on top of the simulator's own late, duplicated and
 * out-of-order scorer events.
 */
@ExtendWith(ClickHouseExtension.class)
class DeliveryFaultIT {
  private final ClickHouseTestServer clickhouse;

  DeliveryFaultIT(ClickHouseTestServer clickhouse) {
    this.clickhouse = clickhouse;
  }

  @Test
  void duplicatedAndReorderedDeliveriesLeaveTheCleanRows() throws Exception {
    FaultCase.Outcome outcome =
        FaultCase.named("duplicated and reordered deliveries", clickhouse)
            .delivery(Delivery.Policy.unrulyResending())
            .run(pipeline -> Sweep.Fault.NONE);

    assertThat(outcome.sent().duplicatedOnPurpose())
        .as("spans and events delivered twice")
        .isPositive();
  }
}
