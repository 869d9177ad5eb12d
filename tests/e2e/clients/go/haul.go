package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Records: key "k<i mod 120>", value "<run>:<i>", or "<run>:x<i>" when written in an aborted
// transaction. One producer writes them in order, so within a partition i rises with the
// offset; every i must arrive exactly once.
const keys = 120

func keyOf(i int) string { return "k" + strconv.Itoa(i%keys) }

func valueOf(run string, i int, aborted bool) string {
	if aborted {
		return fmt.Sprintf("%s:x%d", run, i)
	}
	return fmt.Sprintf("%s:%d", run, i)
}

type seenAt struct {
	offset int64
	i      int
}

// haul is what the members of one group read, judged against what was written.
type haul struct {
	mu          sync.Mutex
	prefix      string
	seen        map[int]int
	aborted     int
	foreign     int
	byPartition map[int32][]seenAt
	keyParts    map[string]map[int32]bool
	perMember   map[int]int
}

func newHaul(run string) *haul {
	return &haul{prefix: run + ":", seen: map[int]int{}, byPartition: map[int32][]seenAt{},
		keyParts: map[string]map[int32]bool{}, perMember: map[int]int{}}
}

func (h *haul) add(member int, partition int32, offset int64, key, value string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.perMember[member]++
	body, ok := strings.CutPrefix(value, h.prefix)
	if !ok {
		h.foreign++
		return
	}
	if strings.HasPrefix(body, "x") {
		h.aborted++
		return
	}
	i, err := strconv.Atoi(body)
	if err != nil {
		h.foreign++
		return
	}
	h.seen[i]++
	h.byPartition[partition] = append(h.byPartition[partition], seenAt{offset, i})
	if h.keyParts[key] == nil {
		h.keyParts[key] = map[int32]bool{}
	}
	h.keyParts[key][partition] = true
}

func (h *haul) distinct() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.seen)
}

// verdict is "" when exactly records 0..expect-1 arrived once each, in order; else the reason.
func (h *haul) verdict(expect int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	missing, dups, extra, disorder, split := 0, 0, 0, 0, 0
	for i := 0; i < expect; i++ {
		if h.seen[i] == 0 {
			missing++
		}
	}
	for i, n := range h.seen {
		dups += n - 1
		if i < 0 || i >= expect {
			extra++
		}
	}
	for _, rows := range h.byPartition {
		sort.Slice(rows, func(a, b int) bool { return rows[a].offset < rows[b].offset })
		for k := 1; k < len(rows); k++ {
			if rows[k].i <= rows[k-1].i {
				disorder++
			}
		}
	}
	for _, parts := range h.keyParts {
		if len(parts) > 1 {
			split++
		}
	}
	var problems []string
	for _, p := range []struct {
		n    int
		what string
	}{{missing, "missing"}, {dups, "duplicated"}, {extra, "unknown"}, {disorder, "out of order"},
		{split, "keys on two partitions"}, {h.aborted, "aborted"}, {h.foreign, "foreign"}} {
		if p.n > 0 {
			problems = append(problems, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(problems, ", ")
}

func (h *haul) summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	total := 0
	for _, n := range h.seen {
		total += n
	}
	members := make([]int, 0, len(h.perMember))
	for m := range h.perMember {
		members = append(members, m)
	}
	sort.Ints(members)
	counts := make([]string, 0, len(members))
	for _, m := range members {
		counts = append(counts, strconv.Itoa(h.perMember[m]))
	}
	return fmt.Sprintf("%d records in %d partitions, per member %s", total, len(h.byPartition), strings.Join(counts, " + "))
}
