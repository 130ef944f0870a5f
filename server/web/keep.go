package web

import "github.com/gin-gonic/gin"

// Keep ends the request with err as Fail does, or keeps v under key for
// the handlers after it and runs them: what a route's loader found (a
// question, a page, a term) reaches its handler this way.
func (w *Web) Keep(c *gin.Context, key string, v any, err error) {
	if err != nil {
		w.Fail(c, err)
		return
	}
	c.Set(key, v)
	c.Next()
}

// Kept returns what Keep kept under key, the zero value when nothing was.
func Kept[T any](c *gin.Context, key string) T {
	v, _ := c.Get(key)
	t, _ := v.(T)
	return t
}
