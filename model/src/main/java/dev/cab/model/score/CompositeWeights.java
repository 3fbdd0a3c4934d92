package dev.cab.model.score;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A versioned set of composite weights. The version is stored with every composite, so a cell
 * scored under old weights stays explainable after the weights change.
 *
 * @param version artifact version, e.g. {@code cab-composite-v1}
 * @param passRate weight of the pass rate
 * @param integrity weight of integrity
 * @param cost weight of cost efficiency
 * @param latency weight of latency efficiency
 * @param blastRadius weight of the clean-blast component
 */
public record CompositeWeights(
    String version,
    double passRate,
    double integrity,
    double cost,
    double latency,
    double blastRadius) {

  /** The weights of the published benchmark (reproduces every seed cell to the last bit). */
  public static final CompositeWeights V1 =
      new CompositeWeights("cab-composite-v1", 0.40, 0.20, 0.15, 0.15, 0.10);

  public CompositeWeights {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("composite weights need a version");
    }
    double sum = passRate + integrity + cost + latency + blastRadius;
    if (Math.abs(sum - 1.0) > 1e-9) {
      throw new IllegalArgumentException(
          "composite weights " + version + " must sum to 1, not " + sum);
    }
  }

  /** The weights by the names the cell pages use. */
  public Map<String, Double> byPageName() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("pass_rate", passRate);
    m.put("integrity", integrity);
    m.put("cost", cost);
    m.put("latency", latency);
    m.put("blast_radius", blastRadius);
    return m;
  }
}
