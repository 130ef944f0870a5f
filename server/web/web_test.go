package web

import "testing"

func TestLocalPathKeepsRedirectsOnThisSite(t *testing.T) {
	for p, want := range map[string]string{
		"/bereiche/a/seiten/b":  "/bereiche/a/seiten/b",
		"/suche?q=a%09b":        "/suche?q=a%09b",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"/\t/evil.example":      "/", // browsers drop tabs and newlines from URLs
		"/\n/evil.example":      "/",
		"/\x00/evil.example":    "/",
		"/a/\\evil.example":     "/",
		"/a\x7f":                "/",
		"https://evil.example/": "/",
		"evil.example":          "/",
		"":                      "/",
	} {
		if got := LocalPath(p); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", p, got, want)
		}
	}
}
