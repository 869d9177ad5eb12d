package main

import (
	"context"
	"net"
	"sync"
	"time"
)

// netDialer dials as franz-go would and remembers each address: the brokers the client was
// told about are the ones it dials, so every one must be the gateway's.
type netDialer struct {
	timeout time.Duration
	seen    *sync.Map
}

func (d *netDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.seen.Store(address, true)
	return (&net.Dialer{Timeout: d.timeout}).DialContext(ctx, network, address)
}
