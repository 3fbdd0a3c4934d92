package dev.cab.collector.otlp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OTLP/JSON: protobuf's canonical JSON mapping (camelCase or original field names, enums as
 * integers or names, int64 as strings or numbers, unknown fields ignored) except that trace and
 * span ids are hex strings rather than base64. The ids are rewritten to base64 in a JSON tree
 * first, then {@link JsonFormat} does the rest. Thread-safe.
 */
public final class OtlpJson {
  private OtlpJson() {}

  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");

  private static final ObjectMapper TREE =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  /** Decodes an OTLP/JSON traces export request. */
  public static ExportTraceServiceRequest traces(byte[] json) throws OtlpDecodeException {
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    merge(json, builder, "ExportTraceServiceRequest");
    return builder.build();
  }

  /** Decodes an OTLP/JSON logs export request. */
  public static ExportLogsServiceRequest logs(byte[] json) throws OtlpDecodeException {
    ExportLogsServiceRequest.Builder builder = ExportLogsServiceRequest.newBuilder();
    merge(json, builder, "ExportLogsServiceRequest");
    return builder.build();
  }

  /** Decodes an OTLP/JSON metrics export request (exemplars' trace and span ids are hex too). */
  public static ExportMetricsServiceRequest metrics(byte[] json) throws OtlpDecodeException {
    ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
    merge(json, builder, "ExportMetricsServiceRequest");
    return builder.build();
  }

  /** A response or status message as OTLP/JSON. */
  public static byte[] print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      // only Any fields without a type registry fail, and our responses have none
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static void merge(byte[] json, Message.Builder builder, String type)
      throws OtlpDecodeException {
    JsonNode tree;
    try {
      tree = TREE.readTree(json);
    } catch (JacksonException e) {
      throw new OtlpDecodeException(
          "body is not valid JSON: " + e.getOriginalMessage() + locate(e), e);
    } catch (java.io.IOException e) {
      throw new OtlpDecodeException("body is not valid JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new OtlpDecodeException("body must be a JSON object (" + type + ")", null);
    }
    hexIdsToBase64(tree, "$");
    try {
      PARSER.merge(TREE.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpDecodeException("body is not a valid " + type + ": " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new OtlpDecodeException("body is not a valid " + type + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // JsonFormat reports some shape errors (e.g. an object where a number belongs) unchecked
      throw new OtlpDecodeException("body is not a valid " + type + ": " + e.getMessage(), e);
    }
  }

  private static String locate(JacksonException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static void hexIdsToBase64(JsonNode node, String path) throws OtlpDecodeException {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String fieldPath = path + "." + field.getKey();
        if (ID_FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
          field.setValue(TextNode.valueOf(hexToBase64(field.getValue().asText(), fieldPath)));
        } else {
          hexIdsToBase64(field.getValue(), fieldPath);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        hexIdsToBase64(array.get(i), path + "[" + i + "]");
      }
    }
  }

  private static String hexToBase64(String hex, String path) throws OtlpDecodeException {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new OtlpDecodeException(
          path + " must be a hex string (OTLP/JSON ids are hex, not base64)", e);
    }
  }
}
