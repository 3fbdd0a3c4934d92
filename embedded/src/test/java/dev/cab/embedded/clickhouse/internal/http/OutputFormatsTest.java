package dev.cab.embedded.clickhouse.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFormatsTest {

  @Test
  void mapsFormatsToTheContentTypeClickHouseSends() {
    assertThat(OutputFormats.contentType("TabSeparated"))
        .isEqualTo("text/tab-separated-values; charset=UTF-8");
    assertThat(OutputFormats.contentType("TSVWithNames"))
        .isEqualTo("text/tab-separated-values; charset=UTF-8");
    assertThat(OutputFormats.contentType("JSONEachRow")).startsWith("application/json");
    assertThat(OutputFormats.contentType("CSVWithNames"))
        .isEqualTo("text/csv; charset=UTF-8; header=present");
    assertThat(OutputFormats.contentType("CSV")).endsWith("header=absent");
    assertThat(OutputFormats.contentType("RowBinaryWithNamesAndTypes"))
        .isEqualTo("application/octet-stream");
    assertThat(OutputFormats.contentType("Parquet")).isEqualTo("application/octet-stream");
    assertThat(OutputFormats.contentType("PrettyCompact")).isEqualTo("text/plain; charset=UTF-8");
  }

  @Test
  void canonicalisesAliases() {
    assertThat(OutputFormats.canonical("TSV")).isEqualTo("TabSeparated");
    assertThat(OutputFormats.canonical("ndjson")).isEqualTo("JSONEachRow");
    assertThat(OutputFormats.canonical("RowBinary")).isEqualTo("RowBinary");
  }
}
