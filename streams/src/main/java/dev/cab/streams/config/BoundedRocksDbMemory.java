package dev.cab.streams.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB store in the process to one budget ({@value
 * #MEMORY_BYTES_CONFIG}, {@link StreamsSettings#ROCKSDB_MEMORY_BYTES}): one LRU block cache shared
 * by all stores holds the data blocks, the index and filter blocks (so they no longer grow with the
 * data), and, through a {@link WriteBufferManager} charged to the same cache, the memtables. This
 * is the Kafka Streams documentation's bounded-memory recipe. Without it each store instance (one
 * per store and task) has its own 50 MB block cache and up to three 16 MB memtables. The stores'
 * files are LZ4-compressed.
 *
 * <p>The cache and the manager are created by the first store and shared by the rest, for the life
 * of the process (RocksDB frees them when the process ends); the budget of that first store's
 * configuration applies. Thread-safe.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

  /** The budget in bytes, in the Kafka Streams properties. */
  public static final String MEMORY_BYTES_CONFIG = "cab.rocksdb.memory.bytes";

  /** Memtables may take up to a quarter of the budget. */
  static final double MEMTABLE_SHARE = 0.25;

  /** A tenth of the cache is kept for index and filter blocks (high priority). */
  static final double INDEX_FILTER_SHARE = 0.1;

  /** Two memtables of at most 8 MiB per store: writes are small per-cell updates. */
  static final long MEMTABLE_BYTES = 8L << 20;

  static final int MEMTABLES = 2;

  private static Shared shared;

  private record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) {}

  private static synchronized Shared shared(long bytes) {
    if (shared == null) {
      // Leaked on purpose: shared by every store until the process ends.
      @SuppressWarnings("resource")
      Cache cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
      @SuppressWarnings("resource")
      WriteBufferManager writeBuffers =
          new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
      shared = new Shared(bytes, cache, writeBuffers);
    }
    return shared;
  }

  /** The budget the shared cache was made with, or 0 before the first store opened. */
  public static synchronized long budgetBytes() {
    return shared == null ? 0 : shared.bytes();
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object configured = configs.get(MEMORY_BYTES_CONFIG);
    long bytes =
        configured == null
            ? StreamsSettings.DEFAULT_ROCKSDB_MEMORY_BYTES
            : Long.parseLong(configured.toString());
    Shared s = shared(bytes);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(s.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(s.writeBuffers());
    options.setWriteBufferSize(MEMTABLE_BYTES);
    options.setMaxWriteBufferNumber(MEMTABLES);
    // Kafka Streams' stores write no compression by default, and the state on disk was larger
    // than its changelog; LZ4 is RocksDB's cheapest codec (docs/PERFORMANCE.md, restore).
    options.setCompressionType(CompressionType.LZ4_COMPRESSION);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store: never closed here.
  }
}
