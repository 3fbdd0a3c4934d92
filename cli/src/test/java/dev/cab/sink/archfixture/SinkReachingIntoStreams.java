package dev.cab.sink.archfixture;

import dev.cab.streams.config.StreamsSettings;

/** A deliberate violation (test sources only): a sink class that uses a streams class. */
public final class SinkReachingIntoStreams {
  private SinkReachingIntoStreams() {}

  /** Reads the application id the way a stage must not: through another stage's settings. */
  public static String applicationId(StreamsSettings settings) {
    return settings.applicationId();
  }
}
