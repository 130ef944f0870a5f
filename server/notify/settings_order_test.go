package notify

import (
	"slices"
	"testing"
)

// The settings form reports its errors in the order of its fields, the
// same on every request, whatever order a map gives.
func TestSettingsAreReadInTheOrderOfTheForm(t *testing.T) {
	modes := map[string]string{"zzz": "", ChannelMatrix: "", ChannelApp: "", "aaa": "", ChannelEmail: ""}
	want := []string{ChannelApp, ChannelEmail, ChannelMatrix, "aaa", "zzz"}
	for range 20 {
		if got := inOrder(Channels, modes); !slices.Equal(got, want) {
			t.Fatalf("order %q, want %q", got, want)
		}
	}
}
