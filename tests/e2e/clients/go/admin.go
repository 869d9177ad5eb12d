package main

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
)

// badAddresses: the addresses that are not kgate's. Each must be 127.0.0.1 on a gateway port
// and contain nothing a broker advertises or listens on.
func (m *matrix) badAddresses(addresses []string) []string {
	var bad []string
	for _, a := range addresses {
		host, port, err := net.SplitHostPort(a)
		p, _ := strconv.Atoi(port)
		leaked := false
		for _, h := range m.o.hidden {
			leaked = leaked || strings.Contains(a, h)
		}
		if err != nil || host != "127.0.0.1" || p < m.o.first || p > m.o.last || leaked {
			bad = append(bad, a)
		}
	}
	if len(addresses) == 0 {
		bad = append(bad, "no address at all")
	}
	return bad
}

func (m *matrix) admin() (string, error) {
	cl, err := m.client()
	if err != nil {
		return "", err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := m.ctx()
	defer cancel()

	topics, err := adm.ListTopics(ctx)
	if err != nil {
		return "", fmt.Errorf("ListTopics: %w", err)
	}
	if d, ok := topics[m.topic()]; !ok || len(d.Partitions) != 12 {
		return "", fmt.Errorf("ListTopics: %s missing or without 12 partitions", m.topic())
	}
	groups, err := adm.ListGroups(ctx)
	if err != nil {
		return "", fmt.Errorf("ListGroups: %w", err)
	}
	want := map[string]string{m.groupName(false): "classic", m.groupName(true): "consumer"}
	for name, kind := range want {
		if g, ok := groups[name]; !ok || g.GroupType != kind {
			return "", fmt.Errorf("ListGroups: %s is %+v, want type %q", name, groups[name], kind)
		}
	}
	md, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return "", fmt.Errorf("Metadata: %w", err)
	}
	var addresses []string
	for _, b := range md.Brokers {
		addresses = append(addresses, net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port))))
	}
	if len(md.Brokers) != 3 {
		return "", fmt.Errorf("Metadata names %d brokers: %v", len(md.Brokers), addresses)
	}
	for _, c := range adm.FindGroupCoordinators(ctx, m.groupName(false), m.groupName(true)) {
		if c.Err != nil {
			return "", fmt.Errorf("FindCoordinator %s: %w", c.Name, c.Err)
		}
		addresses = append(addresses, net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port))))
	}
	m.dialed.Range(func(k, _ any) bool { addresses = append(addresses, k.(string)); return true })
	if bad := m.badAddresses(addresses); len(bad) > 0 {
		return "", fmt.Errorf("not kgate's: %v", bad)
	}
	unique := map[string]bool{}
	for _, a := range addresses {
		unique[a] = true
	}
	list := make([]string, 0, len(unique))
	for a := range unique {
		list = append(list, a)
	}
	sort.Strings(list)
	return fmt.Sprintf("ListTopics: %d topics, %s with 12 partitions; ListGroups types %v; Metadata, coordinators and every dial name only %v",
		len(topics), m.topic(), want, list), nil
}
