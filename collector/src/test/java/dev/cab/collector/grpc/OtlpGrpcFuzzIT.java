package dev.cab.collector.grpc;

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
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the OTLP/gRPC door over a real socket: mutated protobuf bodies of the
 * three services ({@code TraceService}, {@code LogsService}, {@code MetricsService}; seeds: the
 * three published seed cells and {@code fuzz/metrics.json}), sent as raw bytes so that the server's
 * own decoding is what is tested, a quarter of them gzip-compressed, with a valid, mutated, foreign
 * or missing bearer token; {@value #INPUTS} inputs from a fixed seed ({@code -Dcab.fuzz.seed},
 * {@code -Dcab.fuzz.inputs}). Asserts that every call ends OK or with a status the OTLP
 * specification names for the case (INVALID_ARGUMENT, UNAUTHENTICATED, RESOURCE_EXHAUSTED), never
 * INTERNAL or UNKNOWN, always with a one-line reason, and within its deadline (no stuck call). A
 * recording writer stands in for Kafka: the door is under test here, not the broker.
 */
class OtlpGrpcFuzzIT {
  static final int INPUTS = 10_000;
  private static final long SEED = Long.getLong("cab.fuzz.seed", 20261203L);
  private static final int COUNT = Integer.getInteger("cab.fuzz.inputs", INPUTS);
  private static final String TOKEN = "fuzz-token";
  private static final int MAX_MESSAGE = 256 * 1024;
  private static final Set<Status.Code> KNOWN =
      Set.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.UNAUTHENTICATED,
          Status.Code.RESOURCE_EXHAUSTED);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Protobuf tokens worth inserting: varints, a huge length prefix, a NUL, bad UTF-8. */
  private static final List<byte[]> TOKENS =
      List.of(
          new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
          new byte[] {0},
          new byte[] {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01},
          new byte[] {(byte) 0xc3, 0x28},
          new byte[] {0x12, 0x7f});

  private static final RecordingWriter WRITER = new RecordingWriter();
  private static final List<MethodDescriptor<byte[], byte[]>> METHODS = new ArrayList<>();
  private static final List<List<byte[]>> SEEDS = new ArrayList<>();
  private static OtlpGrpcServer server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws IOException, OtlpDecodeException {
    List<byte[]> traces = new ArrayList<>();
    List<byte[]> logs = new ArrayList<>();
    for (Map<String, Object> cell : SeedOtlp.cells()) {
      traces.add(SeedOtlp.traces(cell).toByteArray());
      logs.add(SeedOtlp.scores(cell).toByteArray());
    }
    METHODS.add(raw(TraceServiceGrpc.getExportMethod().getFullMethodName()));
    SEEDS.add(traces);
    METHODS.add(raw(LogsServiceGrpc.getExportMethod().getFullMethodName()));
    SEEDS.add(logs);
    METHODS.add(raw(MetricsServiceGrpc.getExportMethod().getFullMethodName()));
    SEEDS.add(List.of(metricsSeed()));

    ExportPipeline pipeline =
        new ExportPipeline(
            WRITER,
            new SecretRedactor(),
            new CollectorMetrics(),
            Duration.ofMillis(200),
            1_000_000);
    server =
        OtlpGrpcServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            pipeline,
            new AdmissionControl(64, 64L << 20),
            MAX_MESSAGE,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Authenticator.requiring(
                TenantTokens.parse(
                    List.of("fuzz " + TenantTokens.sha256Hex(TOKEN) + " *"), "fuzz")),
            TenantLimits.none(),
            null,
            "");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void mutatedGrpcBodiesAndTokensNeverCrashTheCollector() {
    SplittableRandom r = new SplittableRandom(SEED ^ "grpc".hashCode());
    Map<String, Integer> statuses = new TreeMap<>();
    assertTimeoutPreemptively(
        Duration.ofSeconds(Math.max(120, COUNT / 20)),
        () -> {
          for (int i = 0; i < COUNT; i++) {
            WRITER.clear();
            int service = r.nextInt(METHODS.size());
            List<byte[]> seeds = SEEDS.get(service);
            byte[] seed = seeds.get(r.nextInt(seeds.size()));
            byte[] body = r.nextInt(10) == 0 ? seed : Mutator.mutate(r, seed, seeds, TOKENS);
            Metadata headers = new Metadata();
            String token = token(r);
            if (token != null) {
              headers.put(AUTHORIZATION, token);
            }
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
            if (r.nextInt(4) == 0) {
              options = options.withCompression("gzip");
            }
            Channel withToken =
                ClientInterceptors.intercept(
                    channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            Status.Code code;
            try {
              ClientCalls.blockingUnaryCall(withToken, METHODS.get(service), options, body);
              code = Status.Code.OK;
            } catch (StatusRuntimeException e) {
              code = e.getStatus().getCode();
              String reason = e.getStatus().getDescription();
              assertThat(code).as("input %d: %s", i, e.getStatus()).isIn(KNOWN);
              assertThat(reason).as("input %d has a reason", i).isNotBlank();
              assertThat(reason.strip()).as("input %d: one line", i).doesNotContain("\n");
            }
            statuses.merge(
                METHODS.get(service).getServiceName().replaceAll(".*\\.", "") + " " + code,
                1,
                Integer::sum);
          }
        });
    System.out.printf("fuzz grpc      %d inputs (seed %d): statuses %s%n", COUNT, SEED, statuses);
    assertThat(statuses.keySet())
        .anyMatch(k -> k.equals("TraceService OK"))
        .anyMatch(k -> k.equals("MetricsService OK"))
        .anyMatch(k -> k.endsWith(" INVALID_ARGUMENT"))
        .anyMatch(k -> k.endsWith(" UNAUTHENTICATED"));
  }

  /** A valid token most of the time; else none, another scheme, or a mutated one. */
  private static String token(SplittableRandom r) {
    return switch (r.nextInt(10)) {
      case 0 -> null;
      case 1 -> "Basic Zm9vOmJhcg==";
      case 2 -> {
        byte[] t =
            Mutator.mutate(
                r,
                ("Bearer " + TOKEN).getBytes(StandardCharsets.US_ASCII),
                List.of(),
                List.of(" ".getBytes(StandardCharsets.US_ASCII)));
        StringBuilder ascii = new StringBuilder();
        for (byte b : t) {
          ascii.append((char) (0x21 + Math.floorMod(b, 0x5e))); // visible ASCII: valid metadata
        }
        yield ascii.toString();
      }
      default -> "Bearer " + TOKEN;
    };
  }

  private static MethodDescriptor<byte[], byte[]> raw(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(RawBytes.INSTANCE)
        .setResponseMarshaller(RawBytes.INSTANCE)
        .build();
  }

  private static byte[] metricsSeed() throws IOException, OtlpDecodeException {
    try (InputStream in =
        OtlpGrpcFuzzIT.class.getResourceAsStream("/dev/cab/collector/fuzz/metrics.json")) {
      return OtlpJson.metrics(in.readAllBytes()).toByteArray();
    }
  }
}
