package dev.cab.cli.arch;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.cab.runner.archfixture.RunnerReachingIntoKafka;
import dev.cab.sink.archfixture.SinkReachingIntoStreams;
import dev.cab.streams.config.StreamsSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the stages apart: every top-level package under {@code dev.cab} (a stage such as collector,
 * streams or sink, the runner SDK, the embedded servers) may use {@code model} and nothing else of
 * ours; only {@code cli}, the composition root, sees everything. The runner SDK speaks OTLP only:
 * it never touches Kafka. New stages are covered as soon as {@code cli} depends on them.
 */
class StageIsolationTest {

  /** Production classes of every module on cli's test classpath (not their tests or fixtures). */
  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TEST_FIXTURES)
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.cab");

  private static final ArchRule STAGES_SHARE_ONLY_MODEL =
      slices()
          .matching("dev.cab.(*)..")
          .namingSlices("$1")
          .as("top-level packages of dev.cab (stages, runner, embedded)")
          .should()
          .notDependOnEachOther()
          .ignoreDependency(alwaysTrue(), resideInAPackage("dev.cab.model.."))
          .ignoreDependency(resideInAPackage("dev.cab.cli.."), alwaysTrue())
          .because("stages share only model; cli is the composition root");

  private static final ArchRule RUNNER_SPEAKS_NO_KAFKA =
      noClasses()
          .that()
          .resideInAPackage("dev.cab.runner..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.kafka..")
          .because("runners send OTLP to the collector; Kafka is the pipeline's business");

  @Test
  void theImportSeesEveryModule() {
    for (String pkg :
        List.of(
            "dev.cab.model",
            "dev.cab.runner",
            "dev.cab.collector",
            "dev.cab.streams",
            "dev.cab.sink",
            "dev.cab.embedded",
            "dev.cab.dashboards",
            "dev.cab.alerts",
            "dev.cab.cli")) {
      assertThat(PRODUCTION.containPackage(pkg)).as(pkg).isTrue();
    }
    assertThat(PRODUCTION.containPackage("dev.cab.sink.archfixture")).isFalse();
  }

  @Test
  void noStageImportsAnotherStage() {
    STAGES_SHARE_ONLY_MODEL.check(PRODUCTION);
  }

  @Test
  void theRunnerDoesNotImportKafka() {
    RUNNER_SPEAKS_NO_KAFKA.check(PRODUCTION);
  }

  @Test
  void aSinkClassUsingAStreamsClassFailsTheRule() {
    JavaClasses bad =
        new ClassFileImporter().importClasses(SinkReachingIntoStreams.class, StreamsSettings.class);

    assertThatThrownBy(() -> STAGES_SHARE_ONLY_MODEL.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SinkReachingIntoStreams")
        .hasMessageContaining("StreamsSettings");
  }

  @Test
  void aRunnerClassUsingKafkaFailsTheRule() {
    JavaClasses bad = new ClassFileImporter().importClasses(RunnerReachingIntoKafka.class);

    assertThatThrownBy(() -> RUNNER_SPEAKS_NO_KAFKA.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("RunnerReachingIntoKafka")
        .hasMessageContaining("org.apache.kafka");
  }
}
