package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatsTest {
  private static long micros(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
  }

  @Test
  void durationMatchesTheThreeSeedPages() {
    assertThat(
            Formats.durationSeconds(
                micros("2026-06-16T19:05:37.658695Z"), micros("2026-06-16T19:08:02.776736Z")))
        .isEqualTo("145.12 s");
    assertThat(
            Formats.durationSeconds(
                micros("2026-06-17T03:34:44.013042Z"), micros("2026-06-17T03:35:10.431158Z")))
        .isEqualTo("26.42 s");
    // 19.005 s is 19.00499... as a double: the seed page prints 19.00
    assertThat(
            Formats.durationSeconds(
                micros("2026-05-31T19:53:46.476582Z"), micros("2026-05-31T19:54:05.481768Z")))
        .isEqualTo("19.00 s");
  }

  @Test
  void headlineValuesAsOnTheSeedPages() {
    assertThat(Formats.wallSeconds(145118.041)).isEqualTo("145.1s");
    assertThat(Formats.wallSeconds(26418.116)).isEqualTo("26.4s");
    assertThat(Formats.wallSeconds(19005.185999999998)).isEqualTo("19.0s");
    assertThat(Formats.score(0.9184724428873083)).isEqualTo("0.918");
    assertThat(Formats.score(0.5525658099051183)).isEqualTo("0.553");
    assertThat(Formats.score(1.0)).isEqualTo("1.000");
    assertThat(Formats.score(null)).isEmpty();
    assertThat(Formats.percent(0.9460727093695813)).isEqualTo("95%");
    assertThat(Formats.percent(0.5525658099051183)).isEqualTo("55%");
  }

  @Test
  void instantsKeepMicroseconds() {
    assertThat(Formats.isoMicros(micros("2026-06-16T19:05:37.658695Z")))
        .isEqualTo("2026-06-16T19:05:37.658695Z");
    assertThat(Formats.millis(145110.14)).isEqualTo("145110 ms");
    assertThat(Formats.offset(12.4)).isEqualTo("12 ms");
    assertThat(Formats.offset(1250)).isEqualTo("1.25 s");
  }

  private static int decimals(Double... amounts) {
    return Formats.usdDecimals(Arrays.asList(amounts));
  }

  @Test
  void aColumnOfUsdTakesThreeSignificantDigitsOfItsSmallestAmount() {
    // every amount at or above a cent: cents for dollars, more below them ($0.500, $0.0180)
    assertThat(decimals(1.25, 2.5, 12.0)).isEqualTo(2);
    assertThat(decimals(1.25, 0.5, 12.0)).isEqualTo(3);
    assertThat(decimals(0.018, 0.25, 3.5)).isEqualTo(4);
    assertThat(decimals(0.01, 0.02)).isEqualTo(4);
    // mixed: the column gets the tiny amount's decimals ($0.018 was "$0.018" beside "$0.00853")
    assertThat(decimals(0.018, 0.00853, 0.0319)).isEqualTo(5);
    assertThat(decimals(0.00999, 0.2)).isEqualTo(5);
    // all tiny: at most six
    assertThat(decimals(0.000123, 0.0005)).isEqualTo(6);
    assertThat(decimals(0.0000004, 0.01)).isEqualTo(6);
    // zeros, nulls ("no pass", "no price" rows) and nothing leave the column alone
    assertThat(decimals(0.0, 0.018, null, 0.00853)).isEqualTo(5);
    assertThat(decimals(null, 0.0, 2.5)).isEqualTo(2);
    assertThat(decimals(0.0, 0.0)).isEqualTo(2);
    assertThat(decimals(null, null)).isEqualTo(2);
    assertThat(decimals()).isEqualTo(2);
  }

  @Test
  void usdAmountsOfAColumnPrintWithItsDecimals() {
    List<Double> column = List.of(0.018, 0.00853, 0.0, 1.5);
    int d = Formats.usdDecimals(column);

    assertThat(column.stream().map(v -> Formats.usd(v, d)))
        .containsExactly("$0.01800", "$0.00853", "$0", "$1.50000");
    // a single amount (a tooltip, a list item) is a column of its own
    assertThat(Formats.usd(0.018)).isEqualTo("$0.0180");
    assertThat(Formats.usd(0.00853)).isEqualTo("$0.00853");
    assertThat(Formats.usd(2.5)).isEqualTo("$2.50");
    assertThat(Formats.usd(0)).isEqualTo("$0");
  }

  @Test
  void urlsKeepTheSlashesOfModelAndTaskAndEncodeTheRest() {
    assertThat(Urls.cell("openhands", "stepfun-ai/step-3.5-flash", "mutations/rust-error-negated"))
        .isEqualTo("/cell/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated");
    assertThat(Urls.badge("a b", "m?x", "t#1")).isEqualTo("/badge/a%20b/m%3Fx/t%231.svg");
  }
}
