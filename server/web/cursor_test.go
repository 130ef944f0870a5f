package web

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNextCursorCutsTheExtraItemAndNamesTheLastKept(t *testing.T) {
	id := func(n int64) int64 { return n }
	for _, tc := range []struct {
		list  []int64
		limit int
		page  []int64
		next  string
	}{
		{[]int64{9, 7, 5, 3}, 3, []int64{9, 7, 5}, "5"}, // read limit+1: more follows
		{[]int64{9, 7, 5}, 3, []int64{9, 7, 5}, ""},     // exactly limit: the end
		{[]int64{9}, 3, []int64{9}, ""},
		{nil, 3, nil, ""},
	} {
		page, next := NextCursor(tc.list, tc.limit, id)
		if !slices.Equal(page, tc.page) || next != tc.next {
			t.Errorf("NextCursor(%v, %d) = %v, %q; want %v, %q", tc.list, tc.limit, page, next, tc.page, tc.next)
		}
	}
}

func TestJSONListAnswersAnEmptyListAsBrackets(t *testing.T) {
	for _, tc := range []struct {
		list []string
		want string
	}{
		{nil, `{"items":[]}`},
		{[]string{"a"}, `{"items":["a"]}`},
	} {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		JSONList(&Web{}, c, "items", tc.list, nil)
		if rec.Code != 200 || rec.Body.String() != tc.want {
			t.Errorf("JSONList(%#v) = %d %s, want 200 %s", tc.list, rec.Code, rec.Body, tc.want)
		}
	}
}
