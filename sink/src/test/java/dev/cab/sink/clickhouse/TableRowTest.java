package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TableRowTest {

  private static final TableRow.Columns COLUMNS =
      new TableRow.Columns(List.of("cell_id", "sweep_id", "score_value", "attributes"));

  @Test
  void answersAsTheLinkedHashMapItReplacesForEveryMixOfPutsRemovesAndNulls() {
    Random random = new Random(20261204);
    List<String> names = List.of("cell_id", "sweep_id", "score_value", "attributes");
    for (int run = 0; run < 2_000; run++) {
      // given the same puts (in column order, as the mappers put them) and removes on both
      Map<String, Object> expected = new LinkedHashMap<>();
      TableRow row = COLUMNS.newRow();
      for (String name : names) {
        switch (random.nextInt(4)) {
          case 0 -> {} // never put: absent
          case 1 -> assertThat(row.put(name, null)).isEqualTo(expected.put(name, null));
          default -> {
            Object value = random.nextBoolean() ? "v" + random.nextInt(3) : random.nextDouble();
            assertThat(row.put(name, value)).isEqualTo(expected.put(name, value));
          }
        }
      }
      if (random.nextInt(4) == 0) {
        String name = names.get(random.nextInt(names.size()));
        assertThat(row.remove(name)).isEqualTo(expected.remove(name));
      }

      // then every way of reading it agrees, absent and null kept apart
      assertThat(row).isEqualTo(expected).hasSameHashCodeAs(expected);
      assertThat(expected).isEqualTo(row);
      assertThat(row.size()).isEqualTo(expected.size());
      assertThat(new ArrayList<>(row.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
      List<Object> seen = new ArrayList<>();
      row.forEach((k, v) -> seen.add(k + "=" + v));
      List<Object> wanted = new ArrayList<>();
      expected.forEach((k, v) -> wanted.add(k + "=" + v));
      assertThat(seen).isEqualTo(wanted);
      for (String name : names) {
        assertThat(row.containsKey(name)).isEqualTo(expected.containsKey(name));
        assertThat(row.get(name)).isEqualTo(expected.get(name));
      }
      assertThat(row.get("no_such_column")).isNull();
      assertThat(row.containsKey("no_such_column")).isFalse();
    }
  }

  @Test
  void iteratesInTheTablesColumnOrderWhateverTheOrderOfPuts() {
    TableRow row = COLUMNS.newRow();
    row.put("attributes", "{}");
    row.put("cell_id", "c1");

    assertThat(row.keySet()).containsExactly("cell_id", "attributes");
  }

  @Test
  void entriesWriteThroughAndTheIteratorRemoves() {
    TableRow row = COLUMNS.newRow();
    row.put("cell_id", "c1");
    row.put("sweep_id", "s1");

    Iterator<Map.Entry<String, Object>> it = row.entrySet().iterator();
    it.next().setValue("c2");
    it.next();
    it.remove();

    assertThat(row).containsExactly(Map.entry("cell_id", "c2")).hasSize(1);
    assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesAColumnTheTableDoesNotHave() {
    TableRow row = COLUMNS.newRow();

    assertThatThrownBy(() -> row.put("cel_id", "c1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column cel_id among [cell_id, sweep_id");
    assertThatThrownBy(() -> new TableRow.Columns(List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column a given twice");
  }
}
