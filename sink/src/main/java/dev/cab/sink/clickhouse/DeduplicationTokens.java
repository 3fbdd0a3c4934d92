package dev.cab.sink.clickhouse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code insert_deduplication_token}s derived from the Kafka coordinates of the rows of an insert:
 * {@code <table>:<topic>/<partition>:<first>-<last>#<count>,...;<digest>}, partitions in order,
 * where the digest (16 hex) covers every (topic, partition, offset) so that two sets with the same
 * ranges but different gaps differ. When the ranges are long the token is {@code
 * <table>:sha256:<hex>}.
 *
 * <p>The same rows give the same token, so a retried insert that did reach the server is dropped by
 * it (the tables keep recent tokens through {@code non_replicated_deduplication_window}); different
 * rows give different tokens. This is the hook for exactly-once: a replay that re-forms the same
 * batches is dropped on the server.
 */
public final class DeduplicationTokens {
  private DeduplicationTokens() {}

  private static final int MAX_PLAIN = 200;

  public static String of(TableSpec table, List<? extends Row<?>> rows) {
    Map<String, List<Long>> offsets = new TreeMap<>();
    for (Row<?> r : rows) {
      offsets
          .computeIfAbsent(r.topic() + "/" + r.partition(), k -> new ArrayList<>())
          .add(r.offset());
    }
    MessageDigest sha = sha256();
    StringBuilder ranges = new StringBuilder();
    for (var e : offsets.entrySet()) {
      List<Long> list = e.getValue();
      list.sort(null);
      if (!ranges.isEmpty()) {
        ranges.append(',');
      }
      ranges.append(e.getKey()).append(':').append(list.getFirst()).append('-');
      ranges.append(list.getLast()).append('#').append(list.size());
      sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      ByteBuffer buf = ByteBuffer.allocate(Long.BYTES * (list.size() + 1));
      buf.putLong(list.size());
      list.forEach(buf::putLong);
      sha.update(buf.array());
    }
    String digest = HexFormat.of().formatHex(sha.digest());
    String plain = table.name() + ":" + ranges + ";" + digest.substring(0, 16);
    return plain.length() <= MAX_PLAIN ? plain : table.name() + ":sha256:" + digest;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
