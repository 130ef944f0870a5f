package web

import "testing"

func TestLocalPathKeepsRedirectsOnThisSite(t *testing.T) {
	for p, want := range map[string]string{
		"/bereiche/a/seiten/b":       "/bereiche/a/seiten/b",
		"/suche?q=a+b&typ=seite":     "/suche?q=a+b&typ=seite",
		"/seiten/a%20b#abschnitt":    "/seiten/a%20b#abschnitt",
		"/themen/straße":             "/themen/stra%C3%9Fe",
		"/suche?q=a%09b":             "/", // a control character anywhere refuses, decoded too
		"//evil.example":             "/",
		"/\\evil.example":            "/",
		"/\t/evil.example":           "/", // browsers drop tabs and newlines from URLs
		"/%09/evil.example":          "/", // the same once a proxy or a second redirect decodes it
		"/%09%5Cevil.example":        "/",
		"/%5C%5Cevil.example":        "/",
		"/%2F/evil.example":          "/",
		"/\n/evil.example":           "/",
		"/\x00/evil.example":         "/",
		"/a/\\evil.example":          "/",
		"/a\x7f":                     "/",
		"/a%7F":                      "/",
		"/a%ff":                      "/",
		"/a%zz":                      "/",
		"https://evil.example/":      "/",
		"/https://evil.example/":     "/https://evil.example/",
		"/x#\t":                      "/",
		"/x?next=%5C%5Cevil.example": "/",
		"evil.example":               "/",
		"":                           "/",
	} {
		if got := LocalPath(p); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", p, got, want)
		}
	}
}
