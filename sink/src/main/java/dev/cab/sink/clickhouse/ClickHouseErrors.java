package dev.cab.sink.clickhouse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides what a ClickHouse failure means for the sink.
 *
 * <ul>
 *   <li>{@link Kind#RETRIABLE}: the server or the network is in trouble, the data is fine. The
 *       whole batch is retried with bounded exponential back-off; offsets stay uncommitted. Codes
 *       159 (timeout), 202/203 (too many queries / no free connection), 209/210 (socket timeout /
 *       network error), 241 (memory limit), 242 (table read-only), 252 (too many parts), 285 (too
 *       few live replicas), 319 (unknown status of insert), 425 (system error), 999 (Keeper), and
 *       any {@link IOException} anywhere in the cause chain (connection refused, reset, timeout).
 *   <li>{@link Kind#DATA}: the server rejected a value: parse and conversion errors (6, 26, 27, 32,
 *       38, 41, 53, 69, 70, 72, 117, 130, 131, 321, 349, 395, 469, 691...). The batch is split to
 *       isolate the record(s) ClickHouse rejects; those are dead-lettered, the rest lands.
 *   <li>{@link Kind#FATAL}: anything else (unknown table or column, syntax error in our SQL,
 *       authentication, access denied): retrying or dead-lettering would not help, so the sink
 *       stops with offsets uncommitted.
 * </ul>
 */
public final class ClickHouseErrors {
  private ClickHouseErrors() {}

  /** What to do about a failure. */
  public enum Kind {
    RETRIABLE,
    DATA,
    FATAL
  }

  /** Server codes that mean "try again later". */
  public static final Set<Integer> RETRIABLE_CODES =
      Set.of(159, 202, 203, 209, 210, 241, 242, 252, 285, 319, 425, 999);

  /** Server codes that mean "this data cannot be stored". */
  public static final Set<Integer> DATA_CODES =
      Set.of(
          6, // CANNOT_PARSE_TEXT
          26, // CANNOT_PARSE_QUOTED_STRING
          27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
          32, // ATTEMPT_TO_READ_AFTER_EOF
          38, // CANNOT_PARSE_DATE
          41, // CANNOT_PARSE_DATETIME
          53, // TYPE_MISMATCH
          69, // ARGUMENT_OUT_OF_BOUND
          70, // CANNOT_CONVERT_TYPE
          72, // CANNOT_PARSE_NUMBER
          117, // INCORRECT_DATA
          130, // CANNOT_READ_ARRAY_FROM_TEXT
          131, // TOO_LARGE_STRING_SIZE
          321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
          349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
          395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
          469, // VIOLATED_CONSTRAINT
          691 // UNKNOWN_ELEMENT_OF_ENUM
          );

  /** Codes that mean the credentials are wrong: start-up says so plainly. */
  public static final Set<Integer> AUTH_CODES = Set.of(192, 193, 194, 195, 497, 516);

  private static final Pattern CODE_IN_MESSAGE = Pattern.compile("Code: (\\d+)\\.");

  /** Classifies a failure of a ClickHouse request. */
  public static Kind classify(Throwable error) {
    if (hasIoCause(error)) {
      return Kind.RETRIABLE;
    }
    OptionalInt code = serverCode(error);
    if (code.isPresent()) {
      int c = code.getAsInt();
      if (RETRIABLE_CODES.contains(c)) {
        return Kind.RETRIABLE;
      }
      if (DATA_CODES.contains(c)) {
        return Kind.DATA;
      }
      return Kind.FATAL;
    }
    // No server code: the request never got an answer we could read.
    for (Throwable t : chain(error)) {
      if (t instanceof SQLTransientException
          || t instanceof SQLRecoverableException
          || t instanceof TimeoutException
          || t instanceof com.clickhouse.client.api.ConnectionInitiationException) {
        return Kind.RETRIABLE;
      }
    }
    return Kind.FATAL;
  }

  /** True when an {@link IOException} (but not an interruption) is anywhere in the cause chain. */
  public static boolean hasIoCause(Throwable error) {
    for (Throwable t : chain(error)) {
      if (t instanceof IOException
          && !(t instanceof InterruptedIOException ioe && isInterrupt(ioe))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInterrupt(InterruptedIOException e) {
    // SocketTimeoutException is an InterruptedIOException but means "timed out": retriable.
    return !(e instanceof java.net.SocketTimeoutException);
  }

  /**
   * The ClickHouse server error code in the cause chain: from the driver's {@code ServerException},
   * a {@link SQLException} error code, or a {@code Code: N.} message.
   */
  public static OptionalInt serverCode(Throwable error) {
    for (Throwable t : chain(error)) {
      if (t instanceof com.clickhouse.client.api.ServerException se && se.getCode() > 0) {
        return OptionalInt.of(se.getCode());
      }
    }
    for (Throwable t : chain(error)) {
      if (t instanceof SQLException sql && sql.getErrorCode() > 0) {
        return OptionalInt.of(sql.getErrorCode());
      }
    }
    for (Throwable t : chain(error)) {
      String message = t.getMessage();
      if (message != null) {
        Matcher m = CODE_IN_MESSAGE.matcher(message);
        if (m.find()) {
          return OptionalInt.of(Integer.parseInt(m.group(1)));
        }
      }
    }
    return OptionalInt.empty();
  }

  /** True when the failure says the user or password is wrong. */
  public static boolean isAuthentication(Throwable error) {
    OptionalInt code = serverCode(error);
    return code.isPresent() && AUTH_CODES.contains(code.getAsInt());
  }

  private static Iterable<Throwable> chain(Throwable error) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    java.util.List<Throwable> out = new java.util.ArrayList<>();
    for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      out.add(t);
      for (Throwable s : t.getSuppressed()) {
        if (seen.put(s, Boolean.TRUE) == null) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
