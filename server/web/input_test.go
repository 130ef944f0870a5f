package web

import "testing"

func TestCleanJSON(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"title":"Straße","n":1}`:      true,
		`{"a":"\\u0000"}`:               true, // an escaped backslash, then text
		`{"a":"\ud83d\ude00"}`:          true, // a pair: one emoji
		`{"a":"\n\t\"\\"}`:              true,
		`{"a":"x\u0000y"}`:              false,
		`{"a\u0000":"x"}`:               false,
		`{"a":"\u0000"}`:                false,
		"{\"a\":\"x\x00y\"}":            false,
		"{\"a\":\"\xff\"}":              false,
		`{"a":"\ud83d"}`:                false, // half a pair
		`{"a":"\ude00"}`:                false,
		`{"a":"\ud83dx"}`:               false,
		`{"a":"\ud83d\u0041"}`:          false,
		`["ok", "\u00e4", "\\\\u0000"]`: true,
	} {
		if got := CleanJSON([]byte(raw)); got != want {
			t.Errorf("CleanJSON(%s) = %v, want %v", raw, got, want)
		}
	}
}

func TestCleanValues(t *testing.T) {
	for raw, want := range map[string]bool{
		"q=Stra%C3%9Fe&x=1": true,
		"q=a%00b":           false,
		"q%00=a":            false,
		"q=%ff":             false,
		"q=\xff":            false,
		"q=%zz&r=ok":        true, // unreadable pairs never reach a handler
		"":                  true,
	} {
		if got := cleanValues(raw); got != want {
			t.Errorf("cleanValues(%q) = %v, want %v", raw, got, want)
		}
	}
}
