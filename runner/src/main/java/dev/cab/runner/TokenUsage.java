package dev.cab.runner;

/**
 * Token usage of one model call, sent as the GenAI usage attributes of a model_call span.
 *
 * @param inputTokens {@value CabAttributes#USAGE_INPUT_TOKENS}
 * @param outputTokens {@value CabAttributes#USAGE_OUTPUT_TOKENS}
 * @param cacheReadInputTokens {@value CabAttributes#USAGE_CACHE_READ_INPUT_TOKENS}
 * @param cacheCreationInputTokens {@value CabAttributes#USAGE_CACHE_CREATION_INPUT_TOKENS}
 */
public record TokenUsage(
    long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {

  public TokenUsage {
    if (inputTokens < 0
        || outputTokens < 0
        || cacheReadInputTokens < 0
        || cacheCreationInputTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** Usage without cache figures. */
  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(inputTokens, outputTokens, 0, 0);
  }

  /** Input plus output tokens. */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
