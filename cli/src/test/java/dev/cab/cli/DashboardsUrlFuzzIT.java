package dev.cab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.cli.stack.LocalStack;
import dev.cab.cli.stack.TestStacks;
import dev.cab.runner.CabTelemetry;
import dev.cab.runner.CabTelemetryOptions;
import dev.cab.runner.sim.ProgressListener;
import dev.cab.runner.sim.SimulationReport;
import dev.cab.runner.sim.SweepSimulator;
import dev.cab.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property-based fuzzing of the dashboards' URLs and query strings (issue 10, point 2) on the real
 * stack with the seed cells in ClickHouse: 10,000 generated requests per seed, mixing every route
 * with real names, SQL and ClickHouse-parameter injection attempts ({@code ' OR 1=1}, {@code
 * {x:String}}), percent-encoded and raw separators, unicode, control characters and very long
 * names. Properties: never a 5xx (ClickHouse is up), never a ClickHouse error text in a response (a
 * parser reached by input would say {@code Syntax error} or {@code DB::Exception}), and a request
 * always answers (a timeout fails the test: no stuck thread).
 *
 * <p>The seeds are kept in {@link #SEEDS}; {@code -Dcab.fuzz.seed=N} replays one, and a failure
 * names the seed and the request index to reproduce it.
 */
class DashboardsUrlFuzzIT {
  /** Seeds kept: every CI run replays them; add the seed of any failure found. */
  static final long[] SEEDS = {20261203L};

  static final int INPUTS_PER_SEED = 10_000;

  private static final String[] ROUTES = {
    "/",
    "/sweeps/%s",
    "/sweeps/%s/events",
    "/sweeps/%s/badge/%s/%s.svg",
    "/cell/%s/%s/%s",
    "/cells/%s",
    "/badge/%s/%s/%s.svg",
    "/api/sweeps",
    "/api/sweeps/%s",
    "/api/cell/%s/%s/%s",
    "/api/cells/%s",
    "/api/badge/%s/%s/%s.svg",
    "/static/%s",
    "/webjars/%s",
    "/health",
    "/%s",
  };

  private static final String[] NAMES = {
    "free-20260527",
    "openhands",
    "stepfun-ai/step-3.5-flash",
    "mutations/rust-error-negated",
    "free-20260527/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated",
    "pi",
    "expansion-20260616",
    "meta/llama-3.3-70b-instruct",
  };

  private static final String[] NASTY = {
    "' OR 1=1 --",
    "') OR ('1'='1",
    "{x:String}",
    "{sweep:String}",
    "\\'",
    "\"",
    "`",
    ";",
    "; DROP TABLE cells",
    "UNION SELECT 1",
    "%",
    "%00",
    "%0a",
    "%2F",
    "%2e%2e",
    "..",
    "../..",
    "//",
    "%25",
    "%zz",
    "?",
    "#",
    "&",
    "=",
    "+",
    " ",
    "\t",
    "\u0000",
    "\u007f",
    "é",
    "🚀",
    "\uFFFD",
    "<script>",
    "${jndi:ldap://x}",
    "\\",
    "*",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "|",
    "^",
    "~",
    "NULL",
    "-1",
    "1e309",
    "0x41",
  };

  private static final String[] QUERIES = {
    "",
    "?",
    "?sort='%20OR%201=1",
    "?x=%7Bx:String%7D",
    "?param_sweep=x",
    "?query=SELECT%201",
    "?a=1&a=2",
    "?%25zz",
    "?sweep=%27",
    "?database=system",
    "?format=JSON",
  };

  @TempDir static Path dataDir;
  static LocalStack stack;
  static HttpClient http;

  @BeforeAll
  static void startWithTheSeedCells() throws Exception {
    stack = TestStacks.start(dataDir);
    try (CabTelemetry telemetry =
        CabTelemetry.create(
            CabTelemetryOptions.builder().endpoint(stack.otlpHttpEndpoint()).build())) {
      SimulationReport report = new SweepSimulator(telemetry).replaySeeds(ProgressListener.NONE);
      assertThat(report.flush().allExported()).isTrue();
    }
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Await.until(
        "a seed cell page answers",
        Duration.ofSeconds(120),
        Duration.ofMillis(500),
        () ->
            status("/cell/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated") == 200,
        () -> "");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noGeneratedUrlGetsAServerErrorOrReachesClickHousesParser() throws Exception {
    String only = System.getProperty("cab.fuzz.seed");
    long[] seeds = only == null ? SEEDS : new long[] {Long.parseLong(only)};
    Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
    for (long seed : seeds) {
      Random random = new Random(seed);
      for (int i = 0; i < INPUTS_PER_SEED; i++) {
        String path = generate(random);
        URI uri = URI.create(stack.dashboardsUrl() + path);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(20))
                    .header("Accept", "text/html")
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        byStatus.merge(r.statusCode(), 1, Integer::sum);
        String where = "seed " + seed + " input " + i + ": GET " + path;
        assertThat(r.statusCode()).as(where).isLessThan(500);
        assertThat(r.body())
            .as(where)
            .doesNotContain("DB::Exception", "Syntax error", "UNKNOWN_IDENTIFIER");
      }
    }
    int sent = byStatus.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        "dashboards URL fuzz: %d seeds x %d inputs, %d requests sent, by status %s%n",
        seeds.length, INPUTS_PER_SEED, sent, byStatus);
    assertThat(sent)
        .as("requests that were valid URIs")
        .isGreaterThanOrEqualTo(9_000 * seeds.length);
    assertThat(byStatus).containsKeys(200, 404);
  }

  /** A route with each placeholder filled by a real name, a nasty string or a mix of both. */
  static String generate(Random random) {
    String route = ROUTES[random.nextInt(ROUTES.length)];
    List<Object> parts = new ArrayList<>();
    int holes = route.split("%s", -1).length - 1;
    for (int h = 0; h < holes; h++) {
      parts.add(segment(random));
    }
    String path = String.format(route, parts.toArray());
    return path + QUERIES[random.nextInt(QUERIES.length)];
  }

  private static String segment(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> NAMES[random.nextInt(NAMES.length)];
      case 1 -> encode(NASTY[random.nextInt(NASTY.length)]);
      case 2 -> NAMES[random.nextInt(NAMES.length)] + encode(NASTY[random.nextInt(NASTY.length)]);
      case 3 -> "x".repeat(1 + random.nextInt(3000));
      case 4 -> randomChars(random);
      default -> raw(NASTY[random.nextInt(NASTY.length)]);
    };
  }

  /** Percent-encoded as a browser would send it. */
  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** As typed: RFC 3986 path characters pass unencoded (quotes, parentheses, ';', '='...). */
  private static String raw(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      boolean pchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
      out.append(pchar ? String.valueOf(c) : encode(String.valueOf(c)));
    }
    return out.toString();
  }

  private static String randomChars(Random random) {
    StringBuilder s = new StringBuilder();
    int n = 1 + random.nextInt(40);
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x1F000) : 32 + random.nextInt(95));
    }
    return encode(s.toString());
  }

  private static int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(stack.dashboardsUrl() + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
