package dev.cab.model.wire;

/**
 * Token totals summed over a cell's {@code model_call} spans ({@code gen_ai.usage.*}). A cell
 * without model-call spans has none ("not recorded").
 */
public record TokenTotals(
    long inputTokens,
    long outputTokens,
    long cacheReadInputTokens,
    long cacheCreationInputTokens,
    int modelCalls) {

  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  public TokenTotals plus(TokenTotals o) {
    return new TokenTotals(
        inputTokens + o.inputTokens,
        outputTokens + o.outputTokens,
        cacheReadInputTokens + o.cacheReadInputTokens,
        cacheCreationInputTokens + o.cacheCreationInputTokens,
        modelCalls + o.modelCalls);
  }
}
