// Package errs is Fachnetz's small error vocabulary. Stores and areas say
// what went wrong with one of a few codes; the HTTP layer maps a code to a
// status in exactly one place (web.Status).
package errs

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Code classifies an error by what the caller can do about it.
type Code string

const (
	NotFound        Code = "not_found"
	Invalid         Code = "invalid"
	Conflict        Code = "conflict"
	Forbidden       Code = "forbidden"
	Unauthenticated Code = "unauthenticated"
	TooManyRequests Code = "too_many_requests"
	TooLarge        Code = "too_large"
	// Unavailable: a service the request needs cannot be reached now;
	// the same request may succeed in a moment.
	Unavailable Code = "unavailable"
	Internal    Code = "internal"
)

// Error is an error a person may read. Key names a message in the
// translation catalogue; Args fill its placeholders; Field, when set, names
// the form field the error belongs to.
type Error struct {
	Code  Code
	Key   string
	Args  map[string]any
	Field string
}

func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Key)
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Key, e.Args)
}

// E returns an *Error with the given code and catalogue key. args are pairs
// of placeholder name and value.
func E(code Code, key string, args ...any) *Error {
	e := &Error{Code: code, Key: key}
	if len(args) > 0 {
		e.Args = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			e.Args[name] = args[i+1]
		}
	}
	return e
}

// OnField returns a copy of e attached to a form field.
func (e *Error) OnField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Pairs returns the placeholders as name, value pairs, the way E and the
// translation catalogue take them.
func (e *Error) Pairs() []any {
	pairs := make([]any, 0, 2*len(e.Args))
	for name, v := range e.Args {
		pairs = append(pairs, name, v)
	}
	return pairs
}

// Length checks a required text of at most max characters: nil when it
// fits, else the error for field.
func Length(field, s string, max int) *Error {
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return E(Invalid, "form.required").OnField(field)
	case n > max:
		return E(Invalid, "form.too_long", "Max", max).OnField(field)
	}
	return nil
}

// CodeOf returns the code of the first *Error in err's chain, Internal for
// any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// As finds the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
