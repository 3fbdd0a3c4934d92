package dev.cab.embedded.junit;

import dev.cab.embedded.kafka.EmbeddedKafka;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
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
        KafkaTestBroker broker = new KafkaTestBroker(external.strip(), true);
        checkReachable(broker);
        LOG.info("Tests use the Kafka broker at {} ({})", broker.bootstrapServers(), BOOTSTRAP_ENV);
        return new SharedBroker(broker, null);
      }
      EmbeddedKafka kafka = EmbeddedKafka.builder().start();
      return new SharedBroker(new KafkaTestBroker(kafka.bootstrapServers(), false), kafka);
    }

    /** Fails the first test at once, and clearly, rather than every test after a timeout. */
    private static void checkReachable(KafkaTestBroker broker) {
      try (Admin admin = broker.admin()) {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(15_000)).nodes().get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "%s=%s: no Kafka broker answers there (%s); unset it to use an embedded broker"
                .formatted(BOOTSTRAP_ENV, broker.bootstrapServers(), e.getCause()),
            e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while checking " + BOOTSTRAP_ENV, e);
      }
    }

    @Override
    public void close() {
      if (kafka != null) {
        kafka.close();
      }
    }
  }
}
