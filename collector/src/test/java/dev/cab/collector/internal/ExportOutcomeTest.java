package dev.cab.collector.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportOutcomeTest {

  @Test
  void everythingStoredAnswersWithoutPartialSuccess() {
    ExportOutcome outcome = new ExportOutcome(3, 0, 1, "");

    assertThat(outcome.traceResponse().hasPartialSuccess()).isFalse();
    assertThat(outcome.logsResponse().hasPartialSuccess()).isFalse();
  }

  @Test
  void rejectedItemsAreCountedAndExplainedInPartialSuccess() {
    ExportOutcome outcome = new ExportOutcome(2, 1, 0, "span 00aa: no cab.cell.id");

    assertThat(outcome.traceResponse().getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(outcome.traceResponse().getPartialSuccess().getErrorMessage())
        .isEqualTo("span 00aa: no cab.cell.id");
    assertThat(outcome.logsResponse().getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
    assertThat(outcome.logsResponse().getPartialSuccess().getErrorMessage())
        .isEqualTo("span 00aa: no cab.cell.id");
  }
}
