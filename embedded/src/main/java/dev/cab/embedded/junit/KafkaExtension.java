package dev.cab.embedded.junit;

import dev.cab.embedded.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension that gives tests a real Kafka broker: {@code @ExtendWith(KafkaExtension.class)},
 * then a {@link KafkaTestBroker} parameter in a constructor, a lifecycle method or a test.
 *
 * <p>One single-node {@link EmbeddedKafka} (free ports, temporary data folder) is shared by every
 * test class of the run: it starts on first use and is closed when JUnit closes the root context's
 * store at the end of the run. When the environment variable {@value #BOOTSTRAP_ENV} is set, that
 * external broker is used instead and nothing is started.
 *
 * <p>Thread-safe: concurrent test classes get the same broker.
 */
public final class KafkaExtension implements ParameterResolver {

  /** Environment variable naming an external broker to use instead of an embedded one. */
  public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaTestBroker.class;
  }

  @Override
  public KafkaTestBroker resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context);
  }

  /** The broker of this test run, started on first call. */
  public static KafkaTestBroker broker(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(SharedBroker.class, k -> SharedBroker.start(), SharedBroker.class)
        .broker();
  }

  /** The run's broker; JUnit closes it (it is AutoCloseable) with the root store. */
  private record SharedBroker(KafkaTestBroker broker, EmbeddedKafka kafka)
      implements AutoCloseable {

    static SharedBroker start() {
      String external = System.getenv(BOOTSTRAP_ENV);
      if (external != null && !external.isBlank()) {
        LOG.info("Tests use the Kafka broker at {} ({})", external, BOOTSTRAP_ENV);
        return new SharedBroker(new KafkaTestBroker(external.strip(), true), null);
      }
      EmbeddedKafka kafka = EmbeddedKafka.builder().start();
      return new SharedBroker(new KafkaTestBroker(kafka.bootstrapServers(), false), kafka);
    }

    @Override
    public void close() {
      if (kafka != null) {
        kafka.close();
      }
    }
  }
}
