package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// NextCursor cuts a page read with one item beyond limit back to limit
// and names the cursor of the page after it: the id of the last item
// kept, or "" when nothing follows. The extra item tells whether anything
// does without counting.
func NextCursor[T any](list []T, limit int, id func(T) int64) ([]T, string) {
	if limit < 1 || len(list) <= limit {
		return list, ""
	}
	list = list[:limit]
	return list, strconv.FormatInt(id(list[limit-1]), 10)
}

// JSONList answers a list of the API under key, [] rather than null when
// it is empty, or err when loading it failed.
func JSONList[T any](w *Web, c *gin.Context, key string, list []T, err error) {
	if err != nil {
		w.Fail(c, err)
		return
	}
	if list == nil {
		list = []T{}
	}
	c.JSON(http.StatusOK, gin.H{key: list})
}
