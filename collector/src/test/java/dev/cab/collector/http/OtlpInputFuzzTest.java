package dev.cab.collector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cab.collector.auth.Authenticator;
import dev.cab.collector.auth.TenantLimits;
import dev.cab.collector.auth.TenantTokens;
import dev.cab.collector.internal.AdmissionControl;
import dev.cab.collector.internal.ExportPipeline;
import dev.cab.collector.metrics.CollectorMetrics;
import dev.cab.collector.otlp.OtlpDecodeException;
import dev.cab.collector.otlp.OtlpJson;
import dev.cab.collector.redact.SecretRedactor;
import dev.cab.collector.testing.RecordingWriter;
import dev.cab.collector.testing.SeedOtlp;
import dev.cab.testing.Mutator;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of everything the collector parses: OTLP protobuf and JSON bodies (the
 * gRPC path decodes the same protobuf messages), gzip, and headers. Each target mutates the seed
 * inputs kept in the repository (the three published seed cells, as protobuf and JSON, and {@code
 * fuzz/seeds.txt} for headers) with bit flips, byte and chunk insertions, deletions, truncations,
 * duplications and splices, {@value #INPUTS} inputs per target from a fixed seed (set {@code
 * -Dcab.fuzz.seed} to explore others, {@code -Dcab.fuzz.inputs} for more), and asserts: never a 500
 * or an exception, every answer a known status with a one-line reason, each input answered within a
 * time bound (no stuck thread). A property test with generated mixed batches checks that the valid
 * items of a request are kept.
 */
class OtlpInputFuzzTest {
  static final int INPUTS = 10_000;
  private static final Set<Integer> KNOWN = Set.of(200, 400, 401, 404, 405, 413, 415, 429);
  private static final int MAX_BODY = 256 * 1024;
  private static final long SEED = Long.getLong("cab.fuzz.seed", 20261203L);
  private static final int COUNT = Integer.getInteger("cab.fuzz.inputs", INPUTS);
  private static final String TOKEN = "fuzz-token";

  private final RecordingWriter writer = new RecordingWriter();
  private final ExportPipeline pipeline =
      new ExportPipeline(
          writer, new SecretRedactor(), new CollectorMetrics(), Duration.ofMillis(200), 1_000_000);
  private final OtlpHttpHandler handler =
      new OtlpHttpHandler(
          pipeline,
          new AdmissionControl(64, 64L << 20),
          MAX_BODY,
          1,
          Authenticator.requiring(
              TenantTokens.parse(List.of("fuzz " + TenantTokens.sha256Hex(TOKEN) + " *"), "fuzz")),
          TenantLimits.none());

  private static final List<byte[]> PROTOBUF_TRACES = new ArrayList<>();
  private static final List<byte[]> PROTOBUF_LOGS = new ArrayList<>();
  private static final List<byte[]> PROTOBUF_METRICS = new ArrayList<>();
  private static final List<byte[]> JSON_TRACES = new ArrayList<>();

  static {
    for (Map<String, Object> cell : SeedOtlp.cells()) {
      ExportTraceServiceRequest traces = SeedOtlp.traces(cell);
      ExportLogsServiceRequest logs = SeedOtlp.scores(cell);
      PROTOBUF_TRACES.add(traces.toByteArray());
      PROTOBUF_LOGS.add(logs.toByteArray());
      JSON_TRACES.add(OtlpJson.print(traces));
      JSON_TRACES.add(OtlpJson.print(logs));
    }
    // fuzz/metrics.json: one OTLP metrics request with every kind of metric
    byte[] metrics = FuzzSeeds.bytes("metrics.json");
    try {
      PROTOBUF_METRICS.add(OtlpJson.metrics(metrics).toByteArray());
    } catch (OtlpDecodeException e) {
      throw new IllegalStateException("the metrics seed does not decode", e);
    }
    JSON_TRACES.add(metrics);
  }

  @Test
  void protobufTracesAndLogsNeverCrashTheCollector() {
    Map<Integer, Integer> statuses =
        fuzz(
            "protobuf",
            r -> {
              int signal = r.nextInt(3);
              List<byte[]> seeds =
                  List.of(PROTOBUF_TRACES, PROTOBUF_LOGS, PROTOBUF_METRICS).get(signal);
              byte[] body = mutate(r, seeds.get(r.nextInt(seeds.size())), seeds);
              return post(
                  List.of("/v1/traces", "/v1/logs", "/v1/metrics").get(signal),
                  "application/x-protobuf",
                  body,
                  Map.of());
            });
    assertThat(statuses).containsKeys(200, 400);
  }

  @Test
  void jsonBodiesNeverCrashTheCollector() {
    Map<Integer, Integer> statuses =
        fuzz(
            "json",
            r -> {
              byte[] seed = JSON_TRACES.get(r.nextInt(JSON_TRACES.size()));
              byte[] body = r.nextInt(4) == 0 ? nest(r) : mutate(r, seed, JSON_TRACES);
              String head = new String(seed, 0, 20, StandardCharsets.UTF_8);
              String path =
                  head.contains("Spans")
                      ? "/v1/traces"
                      : head.contains("Metrics") ? "/v1/metrics" : "/v1/logs";
              return post(path, "application/json", body, Map.of());
            });
    assertThat(statuses).containsKeys(200, 400);
  }

  @Test
  void gzipBodiesNeverCrashTheCollector() {
    Map<Integer, Integer> statuses =
        fuzz(
            "gzip",
            r -> {
              byte[] seed = gzip(PROTOBUF_TRACES.get(r.nextInt(PROTOBUF_TRACES.size())));
              byte[] body = r.nextInt(8) == 0 ? seed : mutate(r, seed, List.of(seed));
              return post(
                  "/v1/traces", "application/x-protobuf", body, Map.of("content-encoding", "gzip"));
            });
    assertThat(statuses).containsKeys(200, 400);
  }

  @Test
  void headersNeverCrashTheCollector() {
    List<String> seeds = FuzzSeeds.lines("headers");
    Map<Integer, Integer> statuses =
        fuzz(
            "headers",
            r -> {
              Map<String, String> headers = new HashMap<>();
              for (String name :
                  List.of("content-type", "content-encoding", "content-length", "authorization")) {
                if (r.nextInt(3) > 0) {
                  String value = seeds.get(r.nextInt(seeds.size()));
                  headers.put(
                      name,
                      new String(
                          mutate(r, value.getBytes(StandardCharsets.ISO_8859_1), List.of()),
                          StandardCharsets.ISO_8859_1));
                }
              }
              String path =
                  List.of("/v1/traces", "/v1/logs", "/v1/metrics", "/metrics", "/x")
                      .get(r.nextInt(5));
              String method = List.of("POST", "GET", "PUT").get(r.nextInt(3));
              return new OtlpHttpHandler.Request(
                  method,
                  path,
                  headers,
                  new ByteArrayInputStream(PROTOBUF_TRACES.get(r.nextInt(PROTOBUF_TRACES.size()))));
            });
    assertThat(statuses).containsKeys(401, 415);
  }

  @Test
  void deeplyNestedValuesAre400WithAReasonNotAStackOverflow() {
    // JSON: 20,000 nested kvlists; protobuf: 1,000 nested arrays (protobuf stops at depth 100)
    String open = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":";
    String json =
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"n\",\"attributes\":"
            + "[{\"key\":\"a\",\"value\":"
            + open.repeat(20_000)
            + "{\"intValue\":1}"
            + "}]}}".repeat(20_000)
            + "}]}]}]}]}";
    OtlpHttpHandler.Response deepJson =
        bigHandler()
            .handle(
                post(
                    "/v1/traces",
                    "application/json",
                    json.getBytes(StandardCharsets.UTF_8),
                    Map.of()));
    assertThat(deepJson.status()).isEqualTo(400);
    assertThat(reason(deepJson)).isNotBlank().doesNotContain("\n");

    AnyValue.Builder value = AnyValue.newBuilder().setIntValue(1);
    for (int i = 0; i < 1_000; i++) {
      value = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(value));
    }
    byte[] deepProto = traceWith(kv("a", value)).toByteArray();
    OtlpHttpHandler.Response answer =
        bigHandler().handle(post("/v1/traces", "application/x-protobuf", deepProto, Map.of()));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(reason(answer)).contains("protobuf");
  }

  @Test
  void hugeAttributeArraysAreBoundedByTheBodyAndRecordLimits() {
    // given a span whose attribute is an array of 1.5 million integers (about 4.5 MB of protobuf)
    ArrayValue.Builder huge = ArrayValue.newBuilder();
    for (int i = 0; i < 1_500_000; i++) {
      huge.addValues(AnyValue.newBuilder().setIntValue(i));
    }
    byte[] body = traceWith(kv("huge", AnyValue.newBuilder().setArrayValue(huge))).toByteArray();
    // when the body limit is below it: 413, nothing decoded
    OtlpHttpHandler.Response tooLarge =
        handler.handle(post("/v1/traces", "application/x-protobuf", body, Map.of()));
    assertThat(tooLarge.status()).isEqualTo(413);
    // when the body fits: the span is rejected in partial success by the record limit
    OtlpHttpHandler.Response fits =
        bigHandler().handle(post("/v1/traces", "application/x-protobuf", body, Map.of()));
    assertThat(fits.status()).isEqualTo(200);
    assertThat(writer.sent()).isEmpty();
    try {
      assertThat(
              ExportTraceServiceResponse.parseFrom(fits.body())
                  .getPartialSuccess()
                  .getErrorMessage())
          .contains("exceed the record limit");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OtlpHttpHandler bigHandler() {
    return new OtlpHttpHandler(
        pipeline,
        new AdmissionControl(4, 64L << 20),
        16 << 20,
        1,
        Authenticator.requiring(
            TenantTokens.parse(List.of("fuzz " + TenantTokens.sha256Hex(TOKEN) + " *"), "fuzz")),
        TenantLimits.none());
  }

  private static ExportTraceServiceRequest traceWith(KeyValue attribute) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .addScopeSpans(
                    ScopeSpans.newBuilder()
                        .addSpans(
                            Span.newBuilder()
                                .setTraceId(
                                    com.google.protobuf.ByteString.copyFrom(
                                        new byte[] {
                                          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
                                        }))
                                .setSpanId(
                                    com.google.protobuf.ByteString.copyFrom(
                                        new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                                .setName("n")
                                .addAttributes(
                                    kv("cab.cell.id", AnyValue.newBuilder().setStringValue("c")))
                                .addAttributes(attribute))))
        .build();
  }

  @Test
  void inMixedBatchesEveryValidItemIsKept() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < 500; i++) {
      writer.clear();
      // given spans with and without a cell id, with random attributes of any shape
      ResourceSpans.Builder resource = ResourceSpans.newBuilder();
      ScopeSpans.Builder scope = ScopeSpans.newBuilder();
      int valid = 0;
      int n = 1 + r.nextInt(20);
      for (int s = 0; s < n; s++) {
        Span.Builder span =
            Span.newBuilder()
                .setTraceId(bytes(r, 16))
                .setSpanId(bytes(r, 8))
                .setName("span-" + s)
                .setStartTimeUnixNano(1_750_000_000_000_000_000L)
                .setEndTimeUnixNano(1_750_000_001_000_000_000L);
        boolean ok = r.nextInt(3) > 0;
        if (ok) {
          valid++;
          span.addAttributes(kv("cab.cell.id", AnyValue.newBuilder().setStringValue("c" + s)));
        }
        for (int a = r.nextInt(6); a > 0; a--) {
          span.addAttributes(kv("attr." + a, randomValue(r, 0)));
        }
        scope.addSpans(span);
      }
      byte[] body =
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(resource.addScopeSpans(scope))
              .build()
              .toByteArray();
      // when
      OtlpHttpHandler.Response response =
          handler.handle(post("/v1/traces", "application/x-protobuf", body, Map.of()));
      // then the valid ones are stored, the others named in partial success
      assertThat(response.status()).isEqualTo(200);
      assertThat(writer.sent()).hasSize(valid);
      try {
        ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(response.body());
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isEqualTo(n - valid);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private interface Input {
    OtlpHttpHandler.Request next(SplittableRandom r);
  }

  /** Runs {@code COUNT} inputs; returns how many got each status. */
  private Map<Integer, Integer> fuzz(String target, Input input) {
    SplittableRandom r = new SplittableRandom(SEED ^ target.hashCode());
    Map<Integer, Integer> statuses = new TreeMap<>();
    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(60, COUNT / 50)),
        () -> {
          for (int i = 0; i < COUNT; i++) {
            writer.clear();
            OtlpHttpHandler.Request request = input.next(r);
            long t0 = System.nanoTime();
            OtlpHttpHandler.Response response = handler.handle(request);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(response.status())
                .as("%s input %d: %s", target, i, response.bodyText())
                .isIn(KNOWN);
            assertThat(ms).as("%s input %d answered in time", target, i).isLessThan(10_000);
            if (response.status() != 200) {
              String reason = reason(response);
              assertThat(reason).as("%s input %d has a reason", target, i).isNotBlank();
              assertThat(reason.strip())
                  .as("%s input %d: one line", target, i)
                  .doesNotContain("\n");
            }
            statuses.merge(response.status(), 1, Integer::sum);
          }
        });
    System.out.printf(
        "fuzz %-9s %d inputs (seed %d): statuses %s%n", target, COUNT, SEED, statuses);
    return statuses;
  }

  private static String reason(OtlpHttpHandler.Response response) {
    try {
      return switch (response.contentType()) {
        case "application/x-protobuf" ->
            com.google.rpc.Status.parseFrom(response.body()).getMessage();
        case "application/json" ->
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .path("message")
                .asText();
        default -> response.bodyText();
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OtlpHttpHandler.Request post(
      String path, String contentType, byte[] body, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(extra);
    headers.put("content-type", contentType);
    headers.put("authorization", "Bearer " + TOKEN);
    return new OtlpHttpHandler.Request("POST", path, headers, new ByteArrayInputStream(body));
  }

  /** One to four mutations of a seed ({@link Mutator}) with OTLP's interesting tokens. */
  static byte[] mutate(SplittableRandom r, byte[] seed, List<byte[]> others) {
    return Mutator.mutate(r, seed, others, TOKENS);
  }

  /** Protobuf varints and length prefixes, JSON structure, escapes, huge numbers, bad UTF-8. */
  private static final List<byte[]> TOKENS =
      List.of(
          new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
          new byte[] {0},
          "{\"".getBytes(StandardCharsets.UTF_8),
          "[[[[[[[[".getBytes(StandardCharsets.UTF_8),
          "\"kvlistValue\":{\"values\":[".getBytes(StandardCharsets.UTF_8),
          "\\u0000".getBytes(StandardCharsets.UTF_8),
          "1e999999".getBytes(StandardCharsets.UTF_8),
          new byte[] {(byte) 0xc3, 0x28},
          new byte[] {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});

  /** Deeply nested JSON: kvlist values or arrays, up to 20,000 levels. */
  private static byte[] nest(SplittableRandom r) {
    int depth = 50 + r.nextInt(20_000);
    String open = r.nextBoolean() ? "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" : "[";
    String close = open.startsWith("[") ? "]" : "}]}}";
    StringBuilder sb =
        new StringBuilder(
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"n\",\"attributes\":[{\"key\":\"a\",\"value\":");
    sb.append(open.repeat(depth)).append("{\"intValue\":1}").append(close.repeat(depth));
    sb.append("}]}]}]}]}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static AnyValue.Builder randomValue(SplittableRandom r, int depth) {
    int kind = depth > 3 ? r.nextInt(4) : r.nextInt(6);
    return switch (kind) {
      case 0 -> AnyValue.newBuilder().setStringValue(Long.toHexString(r.nextLong()));
      case 1 -> AnyValue.newBuilder().setIntValue(r.nextLong());
      case 2 -> AnyValue.newBuilder().setDoubleValue(r.nextDouble());
      case 3 -> AnyValue.newBuilder().setBoolValue(r.nextBoolean());
      case 4 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.addValues(randomValue(r, depth + 1));
        }
        yield AnyValue.newBuilder().setArrayValue(a);
      }
      default -> {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        for (int i = r.nextInt(5); i > 0; i--) {
          l.addValues(kv("k" + i, randomValue(r, depth + 1)));
        }
        yield AnyValue.newBuilder().setKvlistValue(l);
      }
    };
  }

  private static KeyValue kv(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static com.google.protobuf.ByteString bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    b[0] |= 1; // never the all-zero (invalid) id
    return com.google.protobuf.ByteString.copyFrom(b);
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Seed inputs kept in the repository ({@code fuzz/seeds.txt}: {@code [section]} then lines). */
  static final class FuzzSeeds {
    /** A whole seed file of {@code fuzz/}. */
    static byte[] bytes(String name) {
      try (InputStream in =
          OtlpInputFuzzTest.class.getResourceAsStream("/dev/cab/collector/fuzz/" + name)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static List<String> lines(String section) {
      try (InputStream in =
          OtlpInputFuzzTest.class.getResourceAsStream("/dev/cab/collector/fuzz/seeds.txt")) {
        List<String> out = new ArrayList<>();
        boolean inSection = false;
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (line.startsWith("[")) {
            inSection = line.equals("[" + section + "]");
          } else if (inSection && !line.startsWith("#") && !line.isEmpty()) {
            out.add(line);
          }
        }
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
