package dev.cab.embedded.kafka;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds the command line of a broker JVM and starts it: the broker's jars, our JVM options, the
 * class-data-sharing archive shared by every node (or the training run that writes it).
 */
final class BrokerLauncher {
  private final BrokerRuntime runtime;
  private final List<String> jvmOptions;
  private final Optional<ClassDataSharing> cds;
  private final List<Path> childClasspath;

  /**
   * A launcher for the nodes of one cluster.
   *
   * @param heap maximum heap of each broker JVM
   * @param extraJvmOptions options after ours (so they win)
   * @param dataDir where the launcher jar goes when there is no cache folder
   */
  BrokerLauncher(String heap, List<String> extraJvmOptions, Path dataDir) {
    this.runtime = BrokerRuntime.locate();
    List<String> options = new ArrayList<>(BrokerConfig.jvmOptions(heap));
    options.addAll(extraJvmOptions);
    this.jvmOptions = List.copyOf(options);
    Optional<Path> cacheDir = BrokerRuntime.cacheDir();
    this.cds = ClassDataSharing.in(cacheDir);
    List<Path> classpath = new ArrayList<>(runtime.brokerJars());
    classpath.add(runtime.launcherJar(cacheDir.orElse(dataDir)));
    this.childClasspath = List.copyOf(classpath);
  }

  /**
   * Starts {@code node}'s JVM; formats its storage first when {@code formatClusterId} is set, and
   * may let it write the class-data-sharing archive when there is none yet.
   */
  void launch(KafkaNode node, String formatClusterId, boolean mayTrainCds) {
    List<String> command = new ArrayList<>();
    command.add(runtime.javaBinary().toString());
    command.addAll(jvmOptions);
    Runnable afterCleanStop = () -> {};
    Runnable afterKill = () -> {};
    boolean training = false;
    if (cds.isPresent()) {
      ClassDataSharing c = cds.get();
      Path archive = c.archiveFor(jvmOptions, childClasspath);
      if (Files.isRegularFile(archive)) {
        command.add("-XX:SharedArchiveFile=" + archive);
      } else if (mayTrainCds) {
        Path output = c.trainingOutput(archive);
        command.add("-XX:ArchiveClassesAtExit=" + output);
        training = true;
        afterCleanStop = () -> c.publish(output, archive);
        afterKill = () -> c.discard(output);
      }
      // A warning about an archive the JVM cannot use is not worth a line in the broker log.
      command.add("-Xlog:cds=off,cds+dynamic=off");
    }
    command.add("-Dcab.kafka.node=" + node.id());
    command.add("-cp");
    command.add(
        childClasspath.stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(BrokerRuntime.MAIN_CLASS);
    command.add("--parent-pid");
    command.add(Long.toString(ProcessHandle.current().pid()));
    if (formatClusterId != null) {
      command.add("--format");
      command.add(formatClusterId);
    }
    command.add(node.serverProperties().toString());
    node.launch(command, training, afterCleanStop, afterKill);
  }

  /**
   * The command line that runs a Kafka command-line tool on the broker's classpath with this JVM's
   * {@code java}, e.g. {@code toolCommand("org.apache.kafka.tools.ProducerPerformance", List.of(
   * "--topic", "t", ...))}: {@code kafka-tools} is on it, so are the broker's own tools.
   */
  public static List<String> toolCommand(String mainClass, List<String> args) {
    BrokerRuntime runtime = BrokerRuntime.locate();
    List<String> command = new ArrayList<>();
    command.add(runtime.javaBinary().toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(
        runtime.brokerJars().stream()
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
