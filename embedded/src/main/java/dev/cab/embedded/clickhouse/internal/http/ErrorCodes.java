package dev.cab.embedded.clickhouse.internal.http;

import java.util.Map;
import java.util.Set;

/**
 * The ClickHouse error codes this server raises itself, and the HTTP status a ClickHouse server
 * answers for an error code (the table of ClickHouse's {@code exceptionCodeToHTTPStatus}, which
 * answers 500 for every code it does not list, READONLY among them). Stateless.
 */
public final class ErrorCodes {

  public static final int UNSUPPORTED_METHOD = 1;
  public static final int CANNOT_READ_ALL_DATA = 33;
  public static final int BAD_ARGUMENTS = 36;
  public static final int SYNTAX_ERROR = 62;
  public static final int UNKNOWN_COMPRESSION_METHOD = 89;
  public static final int UNKNOWN_SETTING = 115;
  public static final int READONLY = 164;
  public static final int QUERY_IS_TOO_LARGE = 229;
  public static final int DATABASE_ACCESS_DENIED = 291;
  public static final int SESSION_NOT_FOUND = 372;
  public static final int SESSION_IS_LOCKED = 373;
  public static final int INVALID_SESSION_TIMEOUT = 374;
  public static final int ZLIB_INFLATE_FAILED = 354;
  public static final int ACCESS_DENIED = 497;
  public static final int AUTHENTICATION_FAILED = 516;
  public static final int UNKNOWN_EXCEPTION = 1002;

  private static final Set<Integer> UNAUTHORIZED = Set.of(194); // REQUIRED_PASSWORD
  private static final Set<Integer> FORBIDDEN =
      Set.of(
          192, // UNKNOWN_USER
          193, // WRONG_PASSWORD
          ACCESS_DENIED,
          512, // SET_NON_GRANTED_ROLE
          AUTHENTICATION_FAILED);
  private static final Set<Integer> BAD_REQUEST =
      Set.of(
          BAD_ARGUMENTS,
          427, // CANNOT_COMPILE_REGEXP
          6, // CANNOT_PARSE_TEXT
          25, // CANNOT_PARSE_ESCAPE_SEQUENCE
          26, // CANNOT_PARSE_QUOTED_STRING
          38, // CANNOT_PARSE_DATE
          41, // CANNOT_PARSE_DATETIME
          72, // CANNOT_PARSE_NUMBER
          441, // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
          675, // CANNOT_PARSE_IPV4
          676, // CANNOT_PARSE_IPV6
          27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
          376, // CANNOT_PARSE_UUID
          15, // DUPLICATE_COLUMN
          44, // ILLEGAL_COLUMN
          37, // UNKNOWN_ELEMENT_IN_AST
          123, // UNKNOWN_TYPE_OF_AST_NODE
          8, // THERE_IS_NO_COLUMN
          167, // TOO_DEEP_AST
          168, // TOO_BIG_AST
          223, // UNEXPECTED_AST_STRUCTURE
          SYNTAX_ERROR,
          117, // INCORRECT_DATA
          53, // TYPE_MISMATCH
          321); // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  private static final Set<Integer> NOT_FOUND =
      Set.of(
          60, // UNKNOWN_TABLE
          46, // UNKNOWN_FUNCTION
          47, // UNKNOWN_IDENTIFIER
          50, // UNKNOWN_TYPE
          56, // UNKNOWN_STORAGE
          81, // UNKNOWN_DATABASE
          UNKNOWN_SETTING,
          152, // UNKNOWN_DIRECTION_OF_SORTING
          63, // UNKNOWN_AGGREGATE_FUNCTION
          73, // UNKNOWN_FORMAT
          336, // UNKNOWN_DATABASE_ENGINE
          78, // UNKNOWN_TYPE_OF_QUERY
          511); // UNKNOWN_ROLE

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(UNSUPPORTED_METHOD, "UNSUPPORTED_METHOD"),
          Map.entry(ACCESS_DENIED, "ACCESS_DENIED"),
          Map.entry(CANNOT_READ_ALL_DATA, "CANNOT_READ_ALL_DATA"),
          Map.entry(BAD_ARGUMENTS, "BAD_ARGUMENTS"),
          Map.entry(39, "TOO_LARGE_SIZE_COMPRESSED"),
          Map.entry(40, "CHECKSUM_DOESNT_MATCH"),
          Map.entry(SYNTAX_ERROR, "SYNTAX_ERROR"),
          Map.entry(UNKNOWN_COMPRESSION_METHOD, "UNKNOWN_COMPRESSION_METHOD"),
          Map.entry(UNKNOWN_SETTING, "UNKNOWN_SETTING"),
          Map.entry(READONLY, "READONLY"),
          Map.entry(QUERY_IS_TOO_LARGE, "QUERY_IS_TOO_LARGE"),
          Map.entry(271, "CANNOT_DECOMPRESS"),
          Map.entry(DATABASE_ACCESS_DENIED, "DATABASE_ACCESS_DENIED"),
          Map.entry(ZLIB_INFLATE_FAILED, "ZLIB_INFLATE_FAILED"),
          Map.entry(SESSION_NOT_FOUND, "SESSION_NOT_FOUND"),
          Map.entry(SESSION_IS_LOCKED, "SESSION_IS_LOCKED"),
          Map.entry(INVALID_SESSION_TIMEOUT, "INVALID_SESSION_TIMEOUT"),
          Map.entry(AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED"),
          Map.entry(UNKNOWN_EXCEPTION, "UNKNOWN_EXCEPTION"));

  private ErrorCodes() {}

  /** The symbolic name of a code this server raises itself, e.g. AUTHENTICATION_FAILED. */
  public static String name(int code) {
    return NAMES.getOrDefault(code, "UNKNOWN_EXCEPTION");
  }

  /** The HTTP status ClickHouse answers for {@code code}. */
  public static int httpStatus(int code) {
    if (UNAUTHORIZED.contains(code)) {
      return 401;
    }
    if (FORBIDDEN.contains(code)) {
      return 403;
    }
    if (BAD_REQUEST.contains(code)) {
      return 400;
    }
    if (NOT_FOUND.contains(code)) {
      return 404;
    }
    return switch (code) {
      case QUERY_IS_TOO_LARGE -> 413;
      case 48 -> 501; // NOT_IMPLEMENTED
      case 209, 76, 439 -> 503; // SOCKET_TIMEOUT, CANNOT_OPEN_FILE, CANNOT_SCHEDULE_TASK
      case 381 -> 411; // HTTP_LENGTH_REQUIRED
      case 159 -> 408; // TIMEOUT_EXCEEDED
      default -> 500;
    };
  }
}
