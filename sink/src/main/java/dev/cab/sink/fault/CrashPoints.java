package dev.cab.sink.fault;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only fault injection: halts the sink's JVM ({@link Runtime#halt}, as abrupt as SIGKILL: no
 * shutdown hook, no final flush, no commit) when a flush reaches a chosen point, so the
 * fault-injection suite can show what a crash exactly there leaves behind. Off by default; armed
 * only by {@value #KILL_AT} (environment {@code SINK_FAULT_KILL_AT}, or the system property) naming
 * a {@link Point}, and {@value #KILL_AT_OCCURRENCE} ({@code SINK_FAULT_KILL_AT_OCCURRENCE}, default
 * 1) saying at which occurrence of that point. Never set it in production.
 *
 * <p>Thread-safe; read once per process.
 */
public final class CrashPoints {
  /** The point to halt at: {@code before-insert}, {@code after-insert} or {@code during-split}. */
  public static final String KILL_AT = "sink.fault.kill.at";

  /** The occurrence of that point (1 = the first time a flush reaches it). */
  public static final String KILL_AT_OCCURRENCE = "sink.fault.kill.at.occurrence";

  /** The exit status of a halted sink: what a shell reports after SIGKILL. */
  public static final int HALT_STATUS = 137;

  private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);
  private static final CrashPoints CONFIGURED = from(System.getProperties(), System.getenv());

  /** Where a flush can be halted. */
  public enum Point {
    /** A batch is complete and about to be inserted: nothing of it is in ClickHouse. */
    BEFORE_INSERT,
    /** Every table of the batch was inserted, its offsets are not committed yet. */
    AFTER_INSERT,
    /** A rejected batch was split and its first half inserted, the second half not yet. */
    DURING_SPLIT;

    /** The setting's value for this point, e.g. {@code after-insert}. */
    public String value() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Point point;
  private final long occurrence;
  private final AtomicLong reached = new AtomicLong();

  private CrashPoints(Point point, long occurrence) {
    this.point = point;
    this.occurrence = occurrence;
  }

  /**
   * The hook configured by {@code properties} (system properties) or {@code env}.
   *
   * @throws IllegalArgumentException naming the setting when a value is not understood
   */
  static CrashPoints from(Map<?, ?> properties, Map<String, String> env) {
    String at = value(properties, env, KILL_AT);
    if (at == null) {
      return new CrashPoints(null, 0);
    }
    Point point = null;
    for (Point p : Point.values()) {
      if (p.value().equals(at)) {
        point = p;
      }
    }
    if (point == null) {
      throw new IllegalArgumentException(
          KILL_AT + " must be before-insert, after-insert or during-split: " + at);
    }
    String n = value(properties, env, KILL_AT_OCCURRENCE);
    long occurrence;
    try {
      occurrence = n == null ? 1 : Long.parseLong(n);
    } catch (NumberFormatException e) {
      occurrence = 0;
    }
    if (occurrence < 1) {
      throw new IllegalArgumentException(KILL_AT_OCCURRENCE + " must be an integer >= 1: " + n);
    }
    return new CrashPoints(point, occurrence);
  }

  private static String value(Map<?, ?> properties, Map<String, String> env, String key) {
    Object v = properties.get(key);
    if (v == null) {
      v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return v == null || v.toString().isBlank() ? null : v.toString().strip();
  }

  /** Logs a warning when the hook is armed; call once at start-up. */
  public static void warnIfArmed() {
    if (CONFIGURED.point != null) {
      LOG.warn(
          "Fault injection armed ({}): this sink halts at {} #{}",
          KILL_AT,
          CONFIGURED.point.value(),
          CONFIGURED.occurrence);
    }
  }

  /** Marks that a flush reached {@code p}; halts the JVM if that is the armed occurrence. */
  public static void reached(Point p) {
    if (CONFIGURED.shouldHalt(p)) {
      System.err.println("cab-sink: fault injection: halting at " + p.value());
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  /** Counts {@code p}; true exactly at the armed occurrence of the armed point. */
  boolean shouldHalt(Point p) {
    return p == point && reached.incrementAndGet() == occurrence;
  }
}
