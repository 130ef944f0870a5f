package errs

import (
	"errors"
	"fmt"
	"testing"
)

// E pairs its trailing arguments into placeholders; a lone last name has
// no value and is dropped rather than shifting the others.
func TestEPairsArguments(t *testing.T) {
	e := E(Invalid, "form.too_long", "field", "title", "max", 200, "dangling")
	if e.Code != Invalid || e.Key != "form.too_long" {
		t.Fatalf("code/key: %+v", e)
	}
	if len(e.Args) != 2 || e.Args["field"] != "title" || e.Args["max"] != 200 {
		t.Errorf("args: %v", e.Args)
	}
	if got := E(NotFound, "page.missing"); got.Args != nil {
		t.Errorf("no args must leave Args nil, got %v", got.Args)
	}
}

func TestErrorText(t *testing.T) {
	if got := E(NotFound, "page.missing").Error(); got != "not_found: page.missing" {
		t.Errorf("without args: %q", got)
	}
	if got := E(Invalid, "x.y", "n", 3).Error(); got != "invalid: x.y map[n:3]" {
		t.Errorf("with args: %q", got)
	}
}

// OnField copies: the shared original keeps no field, so one error value
// can be attached to different fields of different forms.
func TestOnFieldCopies(t *testing.T) {
	base := E(Invalid, "form.required", "n", 1)
	f := base.OnField("title")
	if f == base {
		t.Fatal("OnField returned the same pointer")
	}
	if f.Field != "title" || base.Field != "" {
		t.Errorf("field: copy %q, original %q", f.Field, base.Field)
	}
	if f.Code != base.Code || f.Key != base.Key || f.Args["n"] != 1 {
		t.Errorf("copy lost code/key/args: %+v", f)
	}
}

func TestCodeOfThroughWrapping(t *testing.T) {
	inner := E(Conflict, "handle.taken")
	wrapped := fmt.Errorf("save account: %w", fmt.Errorf("insert: %w", inner))
	cases := []struct {
		name string
		err  error
		want Code
	}{
		{"nil", nil, ""},
		{"plain", errors.New("boom"), Internal},
		{"direct", inner, Conflict},
		{"wrapped twice", wrapped, Conflict},
		{"not wrapped with %v", fmt.Errorf("x: %v", inner), Internal},
		{"joined", errors.Join(errors.New("other"), E(Forbidden, "no")), Forbidden},
	}
	for _, c := range cases {
		if got := CodeOf(c.err); got != c.want {
			t.Errorf("%s: CodeOf = %q, want %q", c.name, got, c.want)
		}
	}
}

// The first *Error in the chain wins, so a caller that adds its own
// classification in front of an inner one decides the code.
func TestAsFindsFirstInChain(t *testing.T) {
	err := fmt.Errorf("ctx: %w", errors.Join(E(Forbidden, "outer"), fmt.Errorf("x: %w", E(NotFound, "inner"))))
	e, ok := As(err)
	if !ok || e.Key != "outer" || CodeOf(err) != Forbidden {
		t.Fatalf("As: %v %v", e, ok)
	}
	if _, ok := As(errors.New("plain")); ok {
		t.Error("As found an *Error in a plain error")
	}
	if _, ok := As(nil); ok {
		t.Error("As found an *Error in nil")
	}
}

func TestIs(t *testing.T) {
	err := fmt.Errorf("load: %w", E(NotFound, "page.missing"))
	if !Is(err, NotFound) {
		t.Error("Is(NotFound) = false for a wrapped not-found")
	}
	if Is(err, Invalid) {
		t.Error("Is(Invalid) = true for a not-found")
	}
	if !Is(errors.New("x"), Internal) {
		t.Error("a plain error is Internal")
	}
	if Is(nil, Internal) {
		t.Error("nil is no error at all")
	}
}

func TestLengthNamesTheFieldAndTheLimit(t *testing.T) {
	if e := Length("title", "Urlaub", 6); e != nil {
		t.Errorf("six characters within six: %v", e)
	}
	if e := Length("title", "Überstunden", 11); e != nil {
		t.Errorf("characters, not bytes, count: %v", e)
	}
	if e := Length("title", "", 6); e == nil || e.Key != "form.required" || e.Field != "title" || e.Code != Invalid {
		t.Errorf("empty: %+v", e)
	}
	if e := Length("title", "Urlaube", 6); e == nil || e.Key != "form.too_long" || e.Args["Max"] != 6 || e.Field != "title" {
		t.Errorf("too long: %+v", e)
	}
}

func TestPairsGiveBackWhatETook(t *testing.T) {
	e := E(Invalid, "form.too_long", "Max", 200)
	again := E(e.Code, e.Key, e.Pairs()...)
	if len(again.Args) != 1 || again.Args["Max"] != 200 {
		t.Errorf("pairs: %v", e.Pairs())
	}
	if got := E(NotFound, "x").Pairs(); len(got) != 0 {
		t.Errorf("no args: %v", got)
	}
}
