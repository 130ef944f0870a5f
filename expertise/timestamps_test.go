package expertise

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
)

// Colleagues see no time a person did something: not when the profile or
// the consent changed, not when a skill was confirmed, not in the photo's
// address or its headers. The person sees their own.
func TestOthersSeeNoPersonalTimestamps(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	r := f.engine()
	anna, ben := f.person(f.agency, "Anna Zeit"), f.person(f.agency, "Ben Kollege")
	topic := f.topic("Zeiterfassung "+strconv.FormatInt(serial.Add(1), 10), 0)
	f.exec(`INSERT INTO profile_skills (account_id, topic_id, level) VALUES ($1, $2, 'expert')`, anna.ID, topic)
	f.exec(`UPDATE profiles SET derived_consent = true, consent_changed_at = now() WHERE account_id = $1`, anna.ID)
	expect(t, uploadPhoto(t, r, anna, "foto.png", pngWithText(t, 40, 30, "")), http.StatusSeeOther)

	var other map[string]any
	decode(t, do(r, ben, "GET", "/api/v1/people/"+anna.Handle, nil), &other)
	for _, key := range []string{"updated_at", "consent_changed_at", "derived_consent"} {
		if v, ok := other[key]; ok {
			t.Errorf("a colleague sees %s: %v", key, v)
		}
	}
	skills, _ := other["skills"].([]any)
	if len(skills) != 1 {
		t.Fatalf("skills %v", other["skills"])
	}
	if v, ok := skills[0].(map[string]any)["confirmed_at"]; ok {
		t.Errorf("a colleague sees when a skill was confirmed: %v", v)
	}
	photo, _ := other["photo_url"].(string)
	sum := md5.Sum(storedPhoto(t, anna.ID))
	if want := "/personen/" + anna.Handle + "/foto?v=" + hex.EncodeToString(sum[:])[:16]; photo != want {
		t.Errorf("photo URL %q, want %q: named by its content, not by a time", photo, want)
	}
	w := do(r, ben, "GET", photo, nil)
	expect(t, w, http.StatusOK)
	if lm := w.Header().Get("Last-Modified"); lm != "" {
		t.Errorf("the photo says when it was changed: Last-Modified %s", lm)
	}

	var own map[string]any
	decode(t, do(r, anna, "GET", "/api/v1/people/"+anna.Handle, nil), &own)
	for _, key := range []string{"updated_at", "consent_changed_at", "derived_consent"} {
		if _, ok := own[key]; !ok {
			t.Errorf("the person does not see their own %s", key)
		}
	}
	if _, ok := own["skills"].([]any)[0].(map[string]any)["confirmed_at"]; !ok {
		t.Error("the person does not see when they confirmed their skill")
	}
}
