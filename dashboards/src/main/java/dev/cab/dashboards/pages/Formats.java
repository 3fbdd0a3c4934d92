package dev.cab.dashboards.pages;

import dev.cab.dashboards.query.Board;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Value formats of the published cell pages, reproduced exactly. Decimal rounding works on the
 * exact binary value of the double (as the pages' own formatter does): 19.005 s, stored as
 * 19.00499..., prints as {@code 19.00 s}.
 */
public final class Formats {
  private Formats() {}

  /** A score with three decimals ({@code 0.918}); blank when not recorded. */
  public static String score(Double v) {
    return v == null ? "" : fixed(v, 3);
  }

  /** The headline wall clock: {@code 145.1s}. */
  public static String wallSeconds(Double ms) {
    return ms == null ? "" : fixed(ms / 1000.0, 1) + "s";
  }

  /** Timing's duration, from the whole milliseconds of both ends: {@code 145.12 s}. */
  public static String durationSeconds(Long startedMicros, Long endedMicros) {
    if (startedMicros == null || endedMicros == null) {
      return "";
    }
    long ms = Math.floorDiv(endedMicros, 1000) - Math.floorDiv(startedMicros, 1000);
    return seconds2(ms);
  }

  /** {@code 145.12 s}. */
  public static String seconds2(double ms) {
    return fixed(ms / 1000.0, 2) + " s";
  }

  /** An instant with microseconds as on the pages: {@code 2026-06-16T19:05:37.658695Z}. */
  public static String isoMicros(Long micros) {
    if (micros == null) {
      return "";
    }
    return Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L)
        .toString();
  }

  /** A span duration in whole milliseconds: {@code 145110 ms}. */
  public static String millis(Double ms) {
    return ms == null ? "" : fixed(ms, 0) + " ms";
  }

  /** A time offset on the trace: {@code 0 ms} under a second, else {@code 1.25 s}. */
  public static String offset(double ms) {
    return ms < 1000 ? fixed(ms, 0) + " ms" : seconds2(ms);
  }

  /** A percentage for badges: {@code 92%}. */
  public static String percent(double fraction) {
    return fixed(fraction * 100, 0) + "%";
  }

  public static String fixed(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "";
    }
    return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** Fewest and most decimals an amount in USD is printed with. */
  private static final int USD_MIN_DECIMALS = 2;

  private static final int USD_MAX_DECIMALS = 6;

  /** Significant digits the smallest non-zero amount of a column keeps. */
  private static final int USD_SIGNIFICANT = 3;

  /**
   * The decimals one column of amounts in USD is printed with, so that its amounts line up: enough
   * for three significant digits of its smallest non-zero amount, at least 2 and at most 6 ($0.018
   * and $0.00853 are {@code $0.01800} and {@code $0.00853}). Nulls ("no pass", "no price") and
   * zeros are left out; with no other amount it is 2.
   */
  public static int usdDecimals(Collection<Double> amounts) {
    double smallest =
        amounts.stream()
            .filter(v -> v != null && v != 0 && Double.isFinite(v))
            .mapToDouble(Math::abs)
            .min()
            .orElse(1);
    // the power of ten of its first significant digit: 0.00853 is 8.53e-3
    BigDecimal exact = BigDecimal.valueOf(smallest);
    int exponent = exact.precision() - exact.scale() - 1;
    return Math.clamp(USD_SIGNIFICANT - 1 - exponent, USD_MIN_DECIMALS, USD_MAX_DECIMALS);
  }

  /** An amount in USD with its column's {@code decimals} ({@link #usdDecimals}); zero is $0. */
  public static String usd(double v, int decimals) {
    return v == 0 ? "$0" : "$" + fixed(v, decimals);
  }

  /** A single amount in USD, with the decimals of a column of its own ({@code $0.0180}). */
  public static String usd(double v) {
    return usd(v, usdDecimals(List.of(v)));
  }

  /** A count with thousands separators: {@code 12,345}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** The board's "time left": an estimate, "done" once nothing is left or the sweep went quiet. */
  public static String eta(Board.Progress p) {
    if (p.etaSeconds() >= 0) {
      return "~" + p.etaSeconds() + " s";
    }
    return !p.live() || (p.planned() >= 0 && p.pending() == 0 && p.running() == 0)
        ? "done"
        : "unknown";
  }

  /**
   * The board's progress counts as its page shows them, by element id: what a push that patches the
   * page (rather than replacing it) sets.
   */
  public static Map<String, String> progressTexts(Board.Progress p) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("n-planned", p.planned() < 0 ? "no plan" : count(p.planned()));
    out.put("n-expected", count(p.expected()));
    out.put("n-landed", count(p.landed()));
    out.put("n-complete", count(p.complete()));
    out.put("n-incomplete", count(p.incomplete()));
    out.put("n-running", count(p.running()));
    out.put("n-pending", count(p.pending()));
    out.put("n-infra", count(p.infraFailures()));
    out.put("eta", eta(p));
    return out;
  }
}
