package dev.cab.collector.redact;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;

/**
 * Which rules can match a text at all: an Aho-Corasick automaton over every rule's keywords,
 * case-insensitive (ASCII), one pass over the text whatever the number of keywords. Characters that
 * appear in no keyword reset the automaton to its root, so the transition table has one column per
 * keyword character only.
 *
 * <p>Immutable and thread-safe once built.
 */
final class KeywordIndex {
  private static final int ROOT = 0;

  /** Keyword character (lower-cased ASCII) to column; -1 for characters in no keyword. */
  private final int[] column = new int[128];

  /** {@code next[state * width + column]}: the full (failure-resolved) transition function. */
  private final int[] next;

  private final int width;

  /**
   * The rules whose keyword ends in each state (including those reached by failure links), as the
   * words of a {@link BitSet}; null for a state where none ends. Plain words rather than {@link
   * BitSet#or}: one-character keywords ({@code =}, {@code :}, {@code -}) end in nearly every text
   * many times over, and the or ran at every such character (8% of the collector's samples).
   */
  private final long[][] output;

  /** Words of a rule set: {@code output[s].length}. */
  private final int words;

  /**
   * @param keywords per rule, its keywords (non-empty, ASCII)
   */
  KeywordIndex(List<List<String>> keywords) {
    Arrays.fill(column, -1);
    int columns = 0;
    for (List<String> ruleKeywords : keywords) {
      for (String k : ruleKeywords) {
        for (char c : k.toLowerCase(Locale.ROOT).toCharArray()) {
          if (c >= 128) {
            throw new IllegalArgumentException("keyword is not ASCII: " + k);
          }
          if (column[c] < 0) {
            column[c] = columns++;
          }
        }
      }
    }
    // upper-case letters share the column of their lower-case letter
    for (char c = 'A'; c <= 'Z'; c++) {
      column[c] = column[Character.toLowerCase(c)];
    }
    width = Math.max(1, columns);
    // the trie
    List<int[]> goTo = new ArrayList<>();
    List<BitSet> out = new ArrayList<>();
    goTo.add(newRow());
    out.add(new BitSet());
    for (int rule = 0; rule < keywords.size(); rule++) {
      for (String k : keywords.get(rule)) {
        int state = ROOT;
        for (char c : k.toLowerCase(Locale.ROOT).toCharArray()) {
          int col = column[c];
          if (goTo.get(state)[col] < 0) {
            goTo.get(state)[col] = goTo.size();
            goTo.add(newRow());
            out.add(new BitSet());
          }
          state = goTo.get(state)[col];
        }
        out.get(state).set(rule);
      }
    }
    // breadth-first: failure links folded into a complete transition table
    int states = goTo.size();
    next = new int[states * width];
    int[] fail = new int[states];
    Queue<Integer> queue = new ArrayDeque<>();
    for (int col = 0; col < width; col++) {
      int child = goTo.get(ROOT)[col];
      if (child < 0) {
        next[col] = ROOT;
      } else {
        next[col] = child;
        fail[child] = ROOT;
        queue.add(child);
      }
    }
    while (!queue.isEmpty()) {
      int state = queue.remove();
      out.get(state).or(out.get(fail[state]));
      for (int col = 0; col < width; col++) {
        int child = goTo.get(state)[col];
        if (child < 0) {
          next[state * width + col] = next[fail[state] * width + col];
        } else {
          next[state * width + col] = child;
          fail[child] = next[fail[state] * width + col];
          queue.add(child);
        }
      }
    }
    words = Math.max(1, (keywords.size() + 63) / 64);
    output = new long[states][];
    for (int state = 0; state < states; state++) {
      BitSet rules = out.get(state);
      output[state] = rules.isEmpty() ? null : Arrays.copyOf(rules.toLongArray(), words);
    }
  }

  private int[] newRow() {
    int[] row = new int[width];
    Arrays.fill(row, -1);
    return row;
  }

  /** The rules with a keyword in {@code text}, or null when there is none. */
  BitSet matches(CharSequence text) {
    long[] hits = null;
    int state = ROOT;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      int col = c < 128 ? column[c] : -1;
      if (col < 0) {
        state = ROOT;
        continue;
      }
      state = next[state * width + col];
      long[] found = output[state];
      if (found != null) {
        if (hits == null) {
          hits = new long[words];
        }
        for (int w = 0; w < words; w++) {
          hits[w] |= found[w];
        }
      }
    }
    return hits == null ? null : BitSet.valueOf(hits);
  }
}
