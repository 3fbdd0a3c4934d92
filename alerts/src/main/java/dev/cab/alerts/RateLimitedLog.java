package dev.cab.alerts;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line for something that can repeat per record: the first ten times, then every 1000th,
 * each with the running count, so nothing goes unreported and nothing floods the log. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger log;
  private final AtomicLong count = new AtomicLong();

  RateLimitedLog(Logger log) {
    this.log = log;
  }

  void warn(String message, Throwable cause) {
    long n = count.incrementAndGet();
    if (n <= 10 || n % 1000 == 0) {
      if (cause == null) {
        log.warn("{} ({} so far)", message, n);
      } else {
        log.warn("{} ({} so far)", message, n, cause);
      }
    }
  }
}
