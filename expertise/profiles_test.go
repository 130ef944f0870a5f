package expertise

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/errs"
)

func TestProfileEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, Deps{})
	r := f.engine()
	anna := f.person(f.agency, "Anna Müller")
	top := f.unit("Abteilung 1", nil)
	sub := f.unit("Referat 11", &top)

	expect(t, do(r, anna, "GET", "/profil", nil), http.StatusOK, "Mein Profil", `name="csrf_token" value="token"`, "Referat 11")
	w := do(r, anna, "POST", "/profil", url.Values{"tasks": {"Haushalt und Vergabe"}, "ask_me_about": {"E-Akte"}, "languages": {"Deutsch, Englisch, deutsch"},
		"position": {"Sachbearbeiterin"}, "location": {"Berlin"}, "phone": {"+49 30 1234-5"}, "unit": {strconv.FormatInt(sub, 10)}})
	expect(t, w, http.StatusSeeOther)
	p, err := f.e.store.ProfileByID(ctx, db.Pool, anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Tasks != "Haushalt und Vergabe" || p.Position != "Sachbearbeiterin" || strings.Join(p.Languages, "|") != "Deutsch|Englisch" ||
		strings.Join(p.UnitPath, "/") != "Abteilung 1/Referat 11" || p.Phone != "+49 30 1234-5" {
		t.Fatalf("profile after edit: %+v", p)
	}
	expect(t, do(r, anna, "GET", "/personen/"+anna.Handle, nil), http.StatusOK, "Sachbearbeiterin", "Abteilung 1 › Referat 11",
		"mailto:"+anna.Email, "tel:&#43;49301234-5", "Haushalt und Vergabe", "Deutsch, Englisch")

	// Bad input comes back filled in, with the errors.
	w = do(r, anna, "POST", "/profil", url.Values{"tasks": {"Neue Aufgaben"}, "phone": {"ruf mich an"}, "unit": {"999999999"}})
	expect(t, w, http.StatusUnprocessableEntity, "Neue Aufgaben", "nur mit Ziffern", "error-summary")
	w = do(r, anna, "POST", "/profil", url.Values{"tasks": {strings.Repeat("x", 2001)}})
	expect(t, w, http.StatusUnprocessableEntity, "höchstens 2000 Zeichen")
	// A unit of another agency is refused.
	f2 := &fixture{t: t, agency: f.newAgency()}
	foreign := f2.unit("Fremd", nil)
	w = do(r, anna, "POST", "/profil", url.Values{"unit": {strconv.FormatInt(foreign, 10)}})
	expect(t, w, http.StatusUnprocessableEntity, "Organisationseinheit Ihrer Behörde")

	// Fields fed by LDAP are refused; the person's own fields still save.
	ben := f.person(f.agency, "Ben LDAP")
	f.exec(`UPDATE profiles SET ldap_dn = $2, position = 'Referent' WHERE account_id = $1`, ben.ID, "uid="+ben.Handle)
	w = do(r, ben, "GET", "/profil", nil)
	expect(t, w, http.StatusOK, "Verzeichnisdienst")
	lacks(t, w, `name="position"`)
	err = f.e.UpdateProfile(ctx, ben.ID, Edit{Tasks: "x", Directory: &DirectoryEdit{Position: "Chef"}})
	if !errs.Is(err, errs.Invalid) && !strings.Contains(err.Error(), "directory_managed") {
		t.Fatalf("LDAP field change: %v", err)
	}
	expect(t, doJSON(r, ben, "PUT", "/api/v1/me/profile", `{"position": "Chef"}`), http.StatusUnprocessableEntity, "Verzeichnisdienst")
	expect(t, do(r, ben, "POST", "/profil", url.Values{"tasks": {"Eigene Aufgaben"}, "position": {"Chef"}}), http.StatusSeeOther)
	p, _ = f.e.store.ProfileByID(ctx, db.Pool, ben.ID)
	if p.Position != "Referent" || p.Tasks != "Eigene Aufgaben" {
		t.Fatalf("LDAP profile after edit: %+v", p)
	}
	// Every change is in the search outbox.
	var n int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_outbox WHERE kind = 'person' AND item_id = $1`, anna.ID).Scan(&n)
	if n == 0 {
		t.Fatal("no outbox row for the profile edit")
	}
}

func TestSkills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, Deps{})
	r := f.engine()
	carla := f.person(f.agency, "Carla")
	topic := "Vergaberecht " + strconv.FormatInt(serial.Add(1), 10)

	expect(t, do(r, carla, "POST", "/profil/kenntnisse", url.Values{"topic": {topic}, "level": {"expert"}}), http.StatusSeeOther)
	expect(t, do(r, carla, "POST", "/profil/kenntnisse", url.Values{"topic": {""}, "level": {"expert"}}), http.StatusUnprocessableEntity, "Bitte füllen Sie")
	expect(t, do(r, carla, "POST", "/profil/kenntnisse", url.Values{"topic": {"Etwas"}, "level": {"guru"}}), http.StatusUnprocessableEntity, "Bitte wählen Sie eine Stufe", `value="Etwas"`)
	p, _ := f.e.store.ProfileByID(ctx, db.Pool, carla.ID)
	if len(p.Skills) != 1 || p.Skills[0].Name != topic || p.Skills[0].Level != "expert" || p.Skills[0].Stale {
		t.Fatalf("skills: %+v", p.Skills)
	}
	var unsorted bool
	db.Pool.QueryRow(ctx, `SELECT unsorted FROM topics WHERE id = $1`, p.Skills[0].TopicID).Scan(&unsorted)
	if !unsorted {
		t.Fatal("a new skill name is not an unsorted proposal")
	}
	id := strconv.FormatInt(p.Skills[0].TopicID, 10)
	expect(t, do(r, carla, "POST", "/profil/kenntnisse/"+id, url.Values{"level": {"basic"}}), http.StatusSeeOther)
	p, _ = f.e.store.ProfileByID(ctx, db.Pool, carla.ID)
	if p.Skills[0].Level != "basic" {
		t.Fatalf("level not changed: %+v", p.Skills)
	}

	// Old skills are stale, marked and asked for; confirming clears that.
	f.exec(`UPDATE profile_skills SET confirmed_at = now() - interval '13 months' WHERE account_id = $1`, carla.ID)
	expect(t, do(r, carla, "GET", "/profil", nil), http.StatusOK, "seit über 12 Monaten nicht bestätigt", "älter als 12 Monate")
	expect(t, do(r, carla, "GET", "/personen/"+carla.Handle, nil), http.StatusOK, topic, "Grundkenntnisse", "älter als 12 Monate")
	expect(t, do(r, carla, "POST", "/profil/kenntnisse/bestaetigen", url.Values{}), http.StatusSeeOther)
	w := do(r, carla, "GET", "/profil?ok=bestaetigt", nil)
	expect(t, w, http.StatusOK, "Ihre Kenntnisse sind bestätigt.")
	lacks(t, w, "seit über 12 Monaten")

	// Directory filter by skill.
	dana := f.person(f.agency, "Dana")
	w = do(r, dana, "GET", "/personen?kenntnis="+url.QueryEscape(topic), nil)
	expect(t, w, http.StatusOK, carla.Name)
	lacks(t, w, "/personen/"+dana.Handle)

	expect(t, do(r, carla, "POST", "/profil/kenntnisse/"+id, url.Values{"action": {"remove"}}), http.StatusSeeOther)
	p, _ = f.e.store.ProfileByID(ctx, db.Pool, carla.ID)
	if len(p.Skills) != 0 {
		t.Fatalf("skill not removed: %+v", p.Skills)
	}

	// The API replaces the set.
	w = doJSON(r, carla, "PUT", "/api/v1/me/profile", `{"tasks": "API", "languages": ["Deutsch"], "skills": [{"topic": "`+topic+`", "level": "advanced"}, {"topic": "Haushalt `+id+`", "level": "basic"}]}`)
	expect(t, w, http.StatusOK, `"tasks":"API"`, `"level":"advanced"`)
	p, _ = f.e.store.ProfileByID(ctx, db.Pool, carla.ID)
	if len(p.Skills) != 2 {
		t.Fatalf("API skills: %+v", p.Skills)
	}
	expect(t, doJSON(r, carla, "PUT", "/api/v1/me/profile", `{"skills": [{"topic": "x", "level": "guru"}]}`), http.StatusUnprocessableEntity, `"code":"invalid"`)
}

func TestDirectoryAndOrgChart(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	r := f.engine()
	top := f.unit("Abteilung Zentrales", nil)
	sub := f.unit("Referat Personal", &top)
	joerg := f.person(f.agency, "Jörg Übel")
	f.exec(`UPDATE profiles SET org_unit_id = $2, location = 'Bonn' WHERE account_id = $1`, joerg.ID, sub)
	eva := f.person(f.agency, "Eva Adam")
	left := f.person(f.agency, "Gegangen")
	f.exec(`UPDATE profiles SET left_at = now(), org_unit_id = $2 WHERE account_id = $1`, left.ID, sub)
	off := f.person(f.agency, "Gesperrt")
	f.exec(`UPDATE accounts SET disabled_at = now() WHERE id = $1`, off.ID)
	other := f.person(f.newAgency(), "Andere Behörde")

	w := do(r, eva, "GET", "/personen", nil)
	expect(t, w, http.StatusOK, joerg.Name, eva.Name, "<caption")
	for _, gone := range []string{left.Name, off.Name, other.Name} {
		lacks(t, w, gone)
	}
	// A cursor naming someone erased since starts the list over.
	expect(t, do(r, eva, "GET", "/api/v1/people?cursor=999999999", nil), http.StatusOK, joerg.Handle, eva.Handle)
	// Name prefix, case- and umlaut-insensitive.
	w = do(r, eva, "GET", "/personen?q=uebe", nil)
	expect(t, w, http.StatusOK, joerg.Name)
	lacks(t, w, "/personen/"+eva.Handle)
	expect(t, do(r, eva, "GET", "/personen?q=J%C3%96RG", nil), http.StatusOK, joerg.Name)
	w = do(r, eva, "GET", "/personen?einheit="+strconv.FormatInt(top, 10)+"&ort=bonn", nil)
	expect(t, w, http.StatusOK, joerg.Name)
	lacks(t, w, "/personen/"+eva.Handle)
	expect(t, do(r, eva, "GET", "/personen/"+left.Handle, nil), http.StatusNotFound)
	expect(t, do(r, eva, "GET", "/personen/"+other.Handle, nil), http.StatusNotFound)

	w = do(r, eva, "GET", "/organisation", nil)
	// Each unit with its people counted (those below it too) and linked.
	expect(t, w, http.StatusOK, `id="unit-`+strconv.FormatInt(top, 10)+`-name">Abteilung Zentrales`, "Referat Personal",
		`href="/personen?einheit=`+strconv.FormatInt(sub, 10)+`" data-org-people><span id="unit-`+strconv.FormatInt(sub, 10)+`-people">1 Person</span>`,
		`href="/personen?einheit=`+strconv.FormatInt(top, 10)+`" data-org-people><span id="unit-`+strconv.FormatInt(top, 10)+`-people">1 Person</span>`)
	lacks(t, w, left.Name)
	expect(t, do(r, other, "GET", "/organisation", nil), http.StatusOK, "noch keine Organisationseinheiten")

	// Pagination with a cursor.
	for i := 0; i < pageSize; i++ {
		f.person(f.agency, "Zacharias")
	}
	w = do(r, eva, "GET", "/personen", nil)
	expect(t, w, http.StatusOK, `rel="next"`)
	var list struct {
		People []struct{ Handle string } `json:"people"`
		Next   string                    `json:"next_cursor"`
	}
	decode(t, do(r, eva, "GET", "/api/v1/people?limit=2", nil), &list)
	if len(list.People) != 2 || list.Next == "" {
		t.Fatalf("API page: %+v", list)
	}
	first := list.People
	list.People = nil
	decode(t, do(r, eva, "GET", "/api/v1/people?limit=2&cursor="+list.Next, nil), &list)
	if len(list.People) != 2 || list.People[0].Handle == first[0].Handle || list.People[0].Handle == first[1].Handle {
		t.Fatalf("second API page repeats: %+v %+v", first, list.People)
	}
}
