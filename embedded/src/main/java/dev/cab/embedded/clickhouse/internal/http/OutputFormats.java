package dev.cab.embedded.clickhouse.internal.http;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} a ClickHouse server sends for an output format (each format's {@code
 * getContentType()} in ClickHouse), and the canonical names of the format aliases. Stateless.
 */
final class OutputFormats {

  private static final String TEXT = "text/plain; charset=UTF-8";
  private static final String TSV = "text/tab-separated-values; charset=UTF-8";
  private static final String JSON = "application/json; charset=UTF-8";
  private static final String BINARY = "application/octet-stream";

  private static final Map<String, String> ALIASES =
      Map.of(
          "TSV", "TabSeparated",
          "TSVRAW", "TabSeparatedRaw",
          "TSVWITHNAMES", "TabSeparatedWithNames",
          "TSVWITHNAMESANDTYPES", "TabSeparatedWithNamesAndTypes",
          "NDJSON", "JSONEachRow",
          "JSONLINES", "JSONEachRow");

  private OutputFormats() {}

  /** The canonical name: {@code TSV} is {@code TabSeparated}, other names are kept as given. */
  static String canonical(String format) {
    return ALIASES.getOrDefault(format.toUpperCase(Locale.ROOT), format);
  }

  static String contentType(String format) {
    String f = canonical(format).toLowerCase(Locale.ROOT);
    if (f.startsWith("tabseparated")) {
      return TSV;
    }
    if (f.startsWith("csv")) {
      return "text/csv; charset=UTF-8; header=" + (f.contains("withnames") ? "present" : "absent");
    }
    if (f.startsWith("json") || f.equals("jsoneachrow")) {
      return JSON;
    }
    if (f.equals("xml")) {
      return "application/xml; charset=UTF-8";
    }
    if (f.startsWith("rowbinary")
        || f.startsWith("native")
        || f.startsWith("parquet")
        || f.startsWith("arrow")
        || f.equals("orc")
        || f.startsWith("avro")
        || f.startsWith("protobuf")
        || f.equals("msgpack")
        || f.equals("capnproto")
        || f.equals("npy")
        || f.equals("bsoneachrow")) {
      return BINARY;
    }
    return TEXT;
  }
}
