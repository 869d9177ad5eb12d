// franz-go (pure Go, no code shared with librdkafka or Java) through kgate:
//
//	produce       N idempotent acks=all records into a 12-partition topic created with kadm
//	classic       a 2-member group with the classic protocol reads exactly those N, in order
//	consumer      the same with the KIP-848 consumer protocol (ServerSideBalancer)
//	admin         kadm ListTopics (the topic, 12 partitions), ListGroups (both groups, with
//	              their types: franz-go falls back to classic silently, so the type is checked),
//	              Metadata brokers, group coordinators and the brokers the client dialled:
//	              gateway addresses only
//	transactions  commits and aborts; a read_committed group reads exactly the committed records
//
// Prints one PASS/FAIL line per scenario; exit status 1 when any failed.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type options struct {
	bootstrap string
	first     int
	last      int
	hidden    []string
	run       string
	count     int
	timeout   time.Duration
	scenarios map[string]bool
}

func parseOptions() options {
	var o options
	var ports, hidden, scenarios string
	var timeoutS float64
	flag.StringVar(&o.bootstrap, "bootstrap", "", "kgate's bootstrap HOST:PORT")
	flag.StringVar(&ports, "gateway-ports", "", "FIRST-LAST: kgate's broker ports")
	flag.StringVar(&hidden, "hidden", "", "comma-separated addresses no client may be told")
	flag.StringVar(&o.run, "run-id", "", "names topics, groups and record values")
	flag.IntVar(&o.count, "count", 3000, "records to produce")
	flag.Float64Var(&timeoutS, "timeout-s", 60, "bound of each wait")
	flag.StringVar(&scenarios, "scenarios", "", "comma-separated subset (default: all)")
	flag.Parse()
	if _, err := fmt.Sscanf(ports, "%d-%d", &o.first, &o.last); err != nil || o.bootstrap == "" || o.run == "" {
		fmt.Fprintln(os.Stderr, "usage: clients --bootstrap HOST:PORT --gateway-ports FIRST-LAST --hidden A,B --run-id ID")
		os.Exit(2)
	}
	for _, h := range strings.Split(hidden, ",") {
		if h != "" {
			o.hidden = append(o.hidden, h)
		}
	}
	o.timeout = time.Duration(timeoutS * float64(time.Second))
	o.scenarios = map[string]bool{}
	for _, s := range strings.Split(scenarios, ",") {
		if s != "" {
			o.scenarios[s] = true
		}
	}
	return o
}

func main() {
	o := parseOptions()
	m := &matrix{o: o}
	fmt.Printf("franz-go %s, kadm %s\n", moduleVersion("github.com/twmb/franz-go"), moduleVersion("github.com/twmb/franz-go/pkg/kadm"))
	failed := 0
	for _, s := range []struct {
		name string
		run  func() (string, error)
	}{
		{"produce", m.produce},
		{"classic", func() (string, error) { return m.group(false) }},
		{"consumer", func() (string, error) { return m.group(true) }},
		{"admin", m.admin},
		{"transactions", m.transactions},
	} {
		if len(o.scenarios) > 0 && !o.scenarios[s.name] {
			continue
		}
		start := time.Now()
		detail, err := s.run()
		took := time.Since(start).Seconds()
		if err != nil {
			fmt.Printf("FAIL franz-go %s: %v (%.1f s)\n", s.name, err, took)
			failed++
		} else {
			fmt.Printf("PASS franz-go %s: %s (%.1f s)\n", s.name, detail, took)
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}
