package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

type matrix struct {
	o      options
	dialed sync.Map // every address the clients dialled, as "host:port"
}

func (m *matrix) topic() string    { return "fg-" + m.o.run }
func (m *matrix) txnTopic() string { return "fg-txn-" + m.o.run }
func (m *matrix) groupName(kip848 bool) string {
	if kip848 {
		return "fg-848-" + m.o.run
	}
	return "fg-classic-" + m.o.run
}

// client: a franz-go client at the gateway that records every address it dials.
func (m *matrix) client(extra ...kgo.Opt) (*kgo.Client, error) {
	dialer := &netDialer{timeout: 10 * time.Second, seen: &m.dialed}
	opts := append([]kgo.Opt{kgo.SeedBrokers(m.o.bootstrap), kgo.Dialer(dialer.DialContext),
		kgo.RequestTimeoutOverhead(10 * time.Second), kgo.RetryTimeout(m.o.timeout)}, extra...)
	return kgo.NewClient(opts...)
}

func (m *matrix) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), m.o.timeout)
}

// send produces records [from, from+n) in order and waits until all are acknowledged.
func (m *matrix) send(cl *kgo.Client, topic string, from, n int, aborted bool) error {
	ctx, cancel := m.ctx()
	defer cancel()
	var failed atomic.Int64
	var first atomic.Value
	for i := from; i < from+n; i++ {
		r := &kgo.Record{Topic: topic, Key: []byte(keyOf(i)), Value: []byte(valueOf(m.o.run, i, aborted))}
		cl.Produce(ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
				first.CompareAndSwap(nil, err.Error())
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	if failed.Load() > 0 {
		return fmt.Errorf("%d of %d not acknowledged, first: %v", failed.Load(), n, first.Load())
	}
	return nil
}

// createTopic makes a 12-partition topic on all three brokers.
func (m *matrix) createTopic(cl *kgo.Client, topic string) error {
	ctx, cancel := m.ctx()
	defer cancel()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 12, 3, nil, topic); err != nil {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	return nil
}

func (m *matrix) produce() (string, error) {
	cl, err := m.client(kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return "", err
	}
	defer cl.Close()
	if err := m.createTopic(cl, m.topic()); err != nil {
		return "", err
	}
	// Idempotence is franz-go's default: left on, never disabled here.
	if err := m.send(cl, m.topic(), 0, m.o.count, false); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d idempotent records acknowledged into %s (12 partitions x 3 replicas)", m.o.count, m.topic()), nil
}

// consume has `members` clients of one group read topic until `expect` distinct records have
// arrived (then 2 s more, so late duplicates are caught) or the timeout passes. Each member
// commits what it read before it lets a rebalance happen, so nothing is read twice.
func (m *matrix) consume(group, topic string, expect, members int, extra ...kgo.Opt) (string, error) {
	h := newHaul(m.o.run)
	deadline := time.Now().Add(m.o.timeout)
	var lingerUntil atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, members)
	for member := 0; member < members; member++ {
		opts := append([]kgo.Opt{kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.DisableAutoCommit(),
			kgo.BlockRebalanceOnPoll(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.SessionTimeout(10 * time.Second)}, extra...)
		cl, err := m.client(opts...)
		if err != nil {
			return "", err
		}
		wg.Add(1)
		go func(member int, cl *kgo.Client) {
			defer wg.Done()
			defer cl.Close()
			for time.Now().Before(deadline) {
				if l := lingerUntil.Load(); l != 0 && time.Now().UnixNano() > l {
					break
				}
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				fetches := cl.PollRecords(ctx, 500)
				cancel()
				for _, fe := range fetches.Errors() {
					if !errors.Is(fe.Err, context.DeadlineExceeded) {
						errs[member] = fmt.Errorf("member %d: fetch %s/%d: %w", member, fe.Topic, fe.Partition, fe.Err)
					}
				}
				fetches.EachRecord(func(r *kgo.Record) {
					h.add(member, r.Partition, r.Offset, string(r.Key), string(r.Value))
				})
				if fetches.NumRecords() > 0 {
					cctx, ccancel := m.ctx()
					if err := cl.CommitUncommittedOffsets(cctx); err != nil {
						errs[member] = fmt.Errorf("member %d: commit: %w", member, err)
					}
					ccancel()
				}
				cl.AllowRebalance()
				if errs[member] != nil {
					return
				}
				if h.distinct() >= expect {
					lingerUntil.CompareAndSwap(0, time.Now().Add(2*time.Second).UnixNano())
				}
			}
		}(member, cl)
	}
	wg.Wait()
	var problems []string
	for _, err := range errs {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	if v := h.verdict(expect); v != "" {
		problems = append(problems, v)
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("%s (%s)", strings.Join(problems, "; "), h.summary())
	}
	return h.summary(), nil
}

func (m *matrix) group(kip848 bool) (string, error) {
	var extra []kgo.Opt
	protocol := "classic"
	if kip848 {
		// franz-go runs KIP-848 only with a range or sticky balancer; the admin scenario checks
		// the broker really made it a consumer-protocol group.
		extra = []kgo.Opt{kgo.ServerSideBalancer(), kgo.Balancers(kgo.RangeBalancer())}
		protocol = "KIP-848 consumer"
	}
	detail, err := m.consume(m.groupName(kip848), m.topic(), m.o.count, 2, extra...)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s protocol, 2 members: exactly the %d records, in order; %s", protocol, m.o.count, detail), nil
}

func (m *matrix) transactions() (string, error) {
	cl, err := m.client(kgo.TransactionalID("fg-txn-"+m.o.run), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return "", err
	}
	defer cl.Close()
	if err := m.createTopic(cl, m.txnTopic()); err != nil {
		return "", err
	}
	const batch = 250
	committed, aborted := 0, 0
	start := time.Now()
	for t := 0; t < 9; t++ {
		abort := t%3 == 2
		if err := cl.BeginTransaction(); err != nil {
			return "", fmt.Errorf("begin: %w", err)
		}
		from := committed
		if abort {
			from = aborted
		}
		// Acknowledged before an abort too, so the aborted records really reach the brokers.
		if err := m.send(cl, m.txnTopic(), from, batch, abort); err != nil {
			return "", err
		}
		ctx, cancel := m.ctx()
		end := kgo.TryCommit
		if abort {
			end = kgo.TryAbort
		}
		err := cl.EndTransaction(ctx, end)
		cancel()
		if err != nil {
			return "", fmt.Errorf("end transaction %d: %w", t, err)
		}
		if abort {
			aborted += batch
		} else {
			committed += batch
		}
	}
	produced := time.Since(start).Seconds()
	detail, err := m.consume("fg-rc-"+m.o.run, m.txnTopic(), committed, 1, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d committed, %d aborted (written, then aborted) in %.1f s; read_committed: %s",
		committed, aborted, produced, detail), nil
}
