package dev.cab.model.config;

import java.util.List;

/** Start-up configuration is wrong; the message lists every problem, one per line. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  // exceptions are never serialized here; transient keeps -Xlint:serial quiet honestly
  private final transient List<String> problems;

  public InvalidConfigException(String component, List<String> problems) {
    super(component + " configuration is invalid:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
