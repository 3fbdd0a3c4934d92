package dev.cab.sink.clickhouse;

import dev.cab.model.serde.JsonSerde;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import dev.cab.sink.SeedFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU per record of mapping spans and scorer events to rows from their bytes: bound with Jackson,
 * the maps copied token by token as JSON text ({@link RawJson}, the sink before) against read
 * straight from the bytes, the maps sliced ({@link CanonicalRecord}), alternating in one JVM on
 * thread CPU time. Input: the seed cells' spans and scorer events as the collector writes them. Not
 * a test:
 *
 * <pre>
 * ./mvnw -B -q -pl sink -am test-compile -DskipTests
 * java -cp "sink/target/test-classes:sink/target/classes:test-support/target/classes:$(cat cli/target/cab.classpath)" \
 *     dev.cab.sink.clickhouse.JsonColumnBench 20
 * </pre>
 */
public final class JsonColumnBench {
  private JsonColumnBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    JsonSerde<SpanRecord> spanSerde = new JsonSerde<>(SpanRecord.class);
    JsonSerde<ScoreEvent> scoreSerde = new JsonSerde<>(ScoreEvent.class);
    List<byte[]> spans = new ArrayList<>();
    List<byte[]> scores = new ArrayList<>();
    for (Map<String, Object> cell : SeedFixture.cells()) {
      SeedFixture.spans(cell).forEach(s -> spans.add(spanSerde.serialize("t", s)));
      SeedFixture.scores(cell).forEach(e -> scores.add(scoreSerde.serialize("t", e)));
    }
    SpanRowMapper[] spanRows = {new SpanRowMapper(false), new SpanRowMapper()};
    ScoreRowMapper[] scoreRows = {new ScoreRowMapper(false), new ScoreRowMapper()};
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] total = new long[2];
    long check = 0;
    int repeat = 200;
    for (int round = 0; round < rounds; round++) {
      for (int side = 0; side < 2; side++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < repeat; i++) {
          for (byte[] b : spans) {
            check += ((String) spanRows[side].map(b, 0, 0).get("attributes")).length();
          }
          for (byte[] b : scores) {
            check += ((String) scoreRows[side].map(b, 0, 0).get("breakdown")).length();
          }
        }
        if (round >= rounds / 4) { // the first quarter is warm-up
          total[side] += cpu.getCurrentThreadCpuTime() - t0;
        }
      }
    }
    long n = (long) (rounds - rounds / 4) * repeat * (spans.size() + scores.size());
    System.out.printf(
        Locale.ROOT,
        "%d spans + %d scorer events x %d: bound, maps copied %.2f us/record; read straight,"
            + " maps sliced %.2f us/record (%.0f%%) [%d]%n",
        spans.size(),
        scores.size(),
        n / (spans.size() + scores.size()),
        total[0] / 1e3 / n,
        total[1] / 1e3 / n,
        100.0 * total[1] / total[0],
        check);
  }
}
