package expertise

import (
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/fachnetz/fachnetz/server/errs"
	"github.com/fachnetz/fachnetz/server/web"
)

// limiter is a token bucket per viewer, in memory: each process of a
// cluster counts for itself, which bounds scraping well enough (n
// processes allow n times the rate).
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[int64]*bucket
	swept   time.Time
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(n int, per time.Duration) *limiter {
	return &limiter{rate: float64(n) / per.Seconds(), burst: float64(n), buckets: map[int64]*bucket{}, now: time.Now}
}

// allow takes a token of key's bucket; when there is none it reports how
// long until there is.
func (l *limiter) allow(key int64) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	// Forget full buckets now and then, so that the map stays small.
	if now.Sub(l.swept) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.at).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// limit answers 429 when the viewer looked up too many people too fast.
func (e *Expertise) limit(c *gin.Context) {
	v := web.ViewerOf(c)
	if v == nil {
		e.web.Fail(c, errs.E(errs.Unauthenticated, "error.unauthenticated"))
		return
	}
	if ok, wait := e.limiter.allow(v.ID); !ok {
		secs := int(wait/time.Second) + 1
		c.Header("Retry-After", strconv.Itoa(secs))
		e.web.Fail(c, errs.E(errs.TooManyRequests, "expertise.rate_limited", "Seconds", secs))
		return
	}
	c.Next()
}
