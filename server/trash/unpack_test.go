package trash

import (
	"encoding/json"
	"strings"
	"testing"
)

// Unpack gives the one row of the thing restored and refuses a snapshot
// that is not whole, so that nothing is put back half.
func TestUnpackReadsTheRowOfTheThingRestored(t *testing.T) {
	type snapshot struct {
		Answers json.RawMessage `json:"answers"`
	}
	type answer struct {
		QuestionID int64 `json:"question_id"`
	}
	unpack := func(raw string) (snapshot, answer, error) {
		var snap snapshot
		a, err := Unpack[answer](Item{Snapshot: json.RawMessage(raw)}, &snap, func() json.RawMessage { return snap.Answers }, "answer")
		return snap, a, err
	}
	snap, a, err := unpack(`{"answers": [{"id": 7, "question_id": 3}]}`)
	if err != nil || a.QuestionID != 3 || !strings.Contains(string(snap.Answers), `"id": 7`) {
		t.Fatalf("Unpack = %+v, %+v, %v, want question 3 and the snapshot read", snap, a, err)
	}
	for name, raw := range map[string]string{
		"not JSON":        `{"answers": [`,
		"no rows":         `{"answers": []}`,
		"part missing":    `{}`,
		"two rows":        `{"answers": [{"question_id": 3}, {"question_id": 4}]}`,
		"rows not a list": `{"answers": {"question_id": 3}}`,
	} {
		if _, _, err := unpack(raw); err == nil || !strings.HasPrefix(err.Error(), "read trashed answer: ") {
			t.Errorf("%s: %v, want an error that says what was read", name, err)
		}
	}
}
