package search

import (
	"net"
	"net/http"
	"time"
)

// NewTransport is the HTTP transport for the Meilisearch client. It does
// not ask for compressed answers: Meilisearch writes a compressed answer
// in pieces, and on a kept-alive connection the later pieces wait for the
// client's delayed acknowledgement of the first (Nagle's algorithm), about
// 40 ms for every search with hits; uncompressed, the same search takes a
// few milliseconds.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
}
