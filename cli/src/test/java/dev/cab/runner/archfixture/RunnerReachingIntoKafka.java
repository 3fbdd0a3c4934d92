package dev.cab.runner.archfixture;

import org.apache.kafka.clients.producer.ProducerRecord;

/** A deliberate violation (test sources only): runner code that speaks Kafka instead of OTLP. */
public final class RunnerReachingIntoKafka {
  private RunnerReachingIntoKafka() {}

  /** A record for a topic: what the runner must never build. */
  public static ProducerRecord<String, String> record(String topic, String value) {
    return new ProducerRecord<>(topic, value);
  }
}
