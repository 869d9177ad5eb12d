package dev.kgate.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What the consumer saw of records 0..count-1, record i sent to partition i % partitions:
 * missing, duplicated, in the wrong partition, or out of order within its partition.
 */
final class SequenceCheck {
  private final int count;
  private final int partitions;
  private final BitSet seen;
  private final int[] last;
  private int distinct;
  private long duplicates;
  private final List<String> problems = new ArrayList<>();

  SequenceCheck(int count, int partitions) {
    this.count = count;
    this.partitions = partitions;
    this.seen = new BitSet(count);
    this.last = new int[partitions];
    Arrays.fill(last, -1);
  }

  synchronized void record(int partition, int seq, long offset) {
    if (seq < 0 || seq >= count) {
      problem("record " + seq + " was never sent (partition " + partition + ", offset " + offset + ")");
      return;
    }
    if (partition != seq % partitions) {
      problem("record " + seq + " is in partition " + partition + ", it was sent to " + seq % partitions);
      return;
    }
    if (seen.get(seq)) {
      duplicates++;
      problem("record " + seq + " read twice (partition " + partition + ", offset " + offset + ")");
      return;
    }
    if (seq < last[partition]) {
      problem("partition " + partition + ": record " + seq + " after record " + last[partition] + " (offset " + offset + ")");
    }
    last[partition] = Math.max(last[partition], seq);
    seen.set(seq);
    distinct++;
  }

  private void problem(String what) {
    if (problems.size() < 10) {
      problems.add(what);
    }
  }

  synchronized boolean complete() {
    return distinct == count;
  }

  synchronized String summary() {
    return distinct + " of " + count + " records, " + duplicates + " duplicates";
  }

  synchronized void verify() throws E2eFailure {
    if (!problems.isEmpty() || !complete()) {
      int missing = seen.nextClearBit(0);
      throw new E2eFailure("consumer: " + summary()
          + (missing < count ? ", first missing record " + missing : "")
          + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
    }
  }
}
