package german

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// wordList is the Debian word list the tests split with. make test
// installs it (apt-get install wngerman); a missing list fails the tests
// rather than skipping them.
const wordList = "/usr/share/dict/ngerman"

var (
	loadOnce sync.Once
	loaded   *Splitter
	loadErr  error
)

// splitter returns the Splitter of the Debian word list, loaded once.
func splitter(tb testing.TB) *Splitter {
	tb.Helper()
	loadOnce.Do(func() { loaded, loadErr = Load(wordList) })
	if loadErr != nil {
		tb.Fatalf("%v\nThe German word list is missing: install it with `apt-get install -y wngerman` (make test does).", loadErr)
	}
	return loaded
}

// Administrative compounds and the parts Split must find, in order.
var compounds = []struct {
	word  string
	parts []string
}{
	{"Bauantrag", []string{"bau", "antrag"}},
	{"Dienstreiseantrag", []string{"dienstreise", "dienst", "reise", "antrag"}},
	{"Straßenverkehrsbehörde", []string{"straßenverkehr", "straßen", "straße", "verkehr", "behörde"}},
	{"Vergabeverfahren", []string{"vergabe", "verfahren"}},
	{"Verwaltungsverfahren", []string{"verwaltung", "verfahren"}},
	{"Personalratsbeteiligung", []string{"personalrat", "personal", "rat", "beteiligung"}},
	{"Haushaltsmittel", []string{"haushalt", "haus", "halt", "mittel"}},
	{"Zuwendungsbescheid", []string{"zuwendung", "bescheid"}},
	{"Verwaltungsvorschrift", []string{"verwaltung", "vorschrift"}},
	{"Datenschutzfolgenabschätzung", []string{"datenschutz", "daten", "schutz", "folgen", "folge", "abschätzung"}},
	{"Barrierefreiheit", []string{"barriere", "freiheit"}},
	{"Gemeinderat", []string{"gemeinde", "rat"}},
	{"Ordnungsamt", []string{"ordnung", "amt"}},
	{"Bundesamt", []string{"bund", "amt"}},
	{"Beratungsstelle", []string{"beratung", "stelle"}},
	{"Urlaubsantrag", []string{"urlaub", "antrag"}},
	{"Arbeitszeiterfassung", []string{"arbeitszeit", "arbeit", "zeit", "erfassung"}},
	{"Fortbildungsveranstaltung", []string{"fortbildung", "veranstaltung"}},
	{"Beschaffungsrichtlinie", []string{"beschaffung", "richtlinie"}},
	{"Aktenvernichtung", []string{"akten", "akte", "vernichtung"}},
	{"Einwohnermeldeamt", []string{"einwohner", "meldeamt", "melde", "amt"}},
	{"Elternzeit", []string{"eltern", "zeit"}},
	{"Aufbewahrungsfrist", []string{"aufbewahrung", "frist"}},
	{"Bebauungsplan", []string{"bebauung", "plan"}},
	{"Bußgeldbescheid", []string{"bußgeld", "bescheid"}},
	{"Widerspruchsverfahren", []string{"widerspruch", "verfahren"}},
	{"Dienstvereinbarung", []string{"dienst", "vereinbarung"}},
	{"Gleichstellungsbeauftragte", []string{"gleichstellung", "gleich", "stellung", "beauftragte"}},
	{"Kassenanordnung", []string{"kassen", "kasse", "anordnung"}},
	{"Rechnungsprüfung", []string{"rechnung", "prüfung"}},
	{"Stellenausschreibung", []string{"stellen", "stelle", "ausschreibung"}},
	{"Vorgangsbearbeitung", []string{"vorgang", "bearbeitung"}},
	{"Aktenzeichen", []string{"akten", "akte", "zeichen"}},
	{"Geschäftsverteilungsplan", []string{"geschäft", "verteilung", "plan"}},
	{"Verpflichtungsermächtigung", []string{"verpflichtung", "ermächtigung"}},
	{"Informationssicherheit", []string{"information", "sicherheit"}},
	{"Grundsteuer", []string{"grund", "steuer"}},
	{"Gewerbeanmeldung", []string{"gewerbe", "anmeldung"}},
	{"Jugendamt", []string{"jugend", "amt"}},
	{"Führungszeugnis", []string{"führung", "zeugnis"}},
	{"Meldebescheinigung", []string{"melde", "bescheinigung"}},
	{"Ausländerbehörde", []string{"ausländer", "behörde"}},
	{"Bürgerbeteiligung", []string{"bürger", "beteiligung"}},
	{"Kindertagesstätte", []string{"kinder", "tag", "stätte"}},
	{"Abfallgebührensatzung", []string{"abfall", "gebühren", "gebühre", "satzung"}},
	{"Naturschutzbehörde", []string{"naturschutz", "natur", "schutz", "behörde"}},
	{"Reisekostenabrechnung", []string{"reisekosten", "reise", "kosten", "abrechnung"}},
	{"Hausmeister", []string{"haus", "meister"}},
	{"Frauenbeauftragte", []string{"frauen", "beauftragte"}},
	{"Kostenerstattung", []string{"kosten", "koste", "erstattung"}},
	{"HAUSHALTSPLAN", []string{"haushalt", "haus", "halt", "plan"}}, // case does not matter
}

// Words that are not compounds, or whose parts would be nonsense
// ("Ver-antwortung", "Be-arbeitung", "Vor-schrift", "Ein-wohner"):
// Split must leave them alone.
var notCompounds = []string{
	"Bearbeitung", "Verantwortung", "Kanzlei", "Bericht", "Verfahren", "Verwaltung", "Gemeinde",
	"Beratung", "Vorschrift", "Einwohner", "Übersicht", "Ausschreibung", "Anordnung", "Erfassung",
	"Sekretariat", "Vorrat", "Unterschrift", "Beschluss", "Entscheidung", "Genehmigung",
	"Zuständigkeit", "Abteilung", "Mitteilung", "Veranstaltung", "Behörde", "Gesetzgebung",
	"Angelegenheit", "Bescheinigung", "Verordnung", "Umsetzung", "Wissenschaft", "Referat",
	"Einstellung", "Versicherung", "Vertretung", "Beteiligung", "Unterlagen", "Verbindlichkeit",
	"Rat", "Amt", "", "E-Mail", "Café", "x",
}

func TestSplitCompounds(t *testing.T) {
	s := splitter(t)
	for _, c := range compounds {
		if got := s.Split(c.word); !slices.Equal(got, c.parts) {
			t.Errorf("Split(%q) = %q, want %q", c.word, got, c.parts)
		}
	}
}

func TestSplitLeavesNonCompounds(t *testing.T) {
	s := splitter(t)
	for _, w := range notCompounds {
		if got := s.Split(w); got != nil {
			t.Errorf("Split(%q) = %q, want nothing", w, got)
		}
	}
}

func TestWordListFilter(t *testing.T) {
	s := NewSplitter([]string{"Bau", "Antrag", "ABC", "BahnCard", "Café", "zu", "vor", "Schrift", "Haus", "Halt", "hau", "Antrag"})
	if s.Len() != 5 { // bau antrag schrift haus halt
		t.Errorf("Len = %d, want 5", s.Len())
	}
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"Bauantrag", []string{"bau", "antrag"}},
		{"Bauanträge", nil},
		{"Vorschrift", nil},                    // "vor" is never a part
		{"Haushalt", []string{"haus", "halt"}}, // "hau" is never a part
		{"Bausantrag", []string{"bau", "antrag"}},
		{"Bauenantrag", []string{"bau", "antrag"}}, // -en after any part
		{"Baunantrag", nil},                        // -n only after an e
		{"Abcantrag", nil},
	} {
		if got := s.Split(tc.word); !slices.Equal(got, tc.want) {
			t.Errorf("Split(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestCompounds(t *testing.T) {
	s := splitter(t)
	text := "Der Bauantrag ist bei der Straßenverkehrsbehörde einzureichen. Der Bauantrag braucht eine Unterschrift."
	got := strings.Fields(s.Compounds(text))
	want := []string{
		"bau", "antrag", // Bauantrag, once
		"straßenverkehr", "strassenverkehr", "straßen", "strassen", "straße", "strasse", "verkehr", "behörde", "behoerde",
		"strassenverkehrsbehoerde", // the whole word's other spelling, after its parts
	}
	if !slices.Equal(got, want) {
		t.Errorf("Compounds = %q\nwant        %q", got, want)
	}
	// Short words are not split, but their other spelling is given.
	if got := s.Compounds("Straße, Maße, Größe"); got != "strasse masse groesse" {
		t.Errorf("Compounds(short words) = %q", got)
	}
	// Without a word list only the other spellings are given.
	var none *Splitter
	if got := none.Compounds("Bauantrag der Behörde"); got != "behoerde" {
		t.Errorf("nil Splitter: Compounds = %q, want %q", got, "behoerde")
	}
	if got := s.Compounds(""); got != "" {
		t.Errorf("Compounds(\"\") = %q", got)
	}
}

func TestTransliterate(t *testing.T) {
	for in, want := range map[string]string{"Straße": "Strasse", "Behörde": "Behoerde", "Übergang": "Uebergang", "Ärger": "Aerger", "ẞ": "SS"} {
		if got, ok := Transliterate(in); got != want || !ok {
			t.Errorf("Transliterate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := Transliterate("Antrag"); got != "Antrag" || ok {
		t.Errorf("Transliterate(Antrag) = %q, %v", got, ok)
	}
}

// page is about 20 KB of administrative German, half of it a realistic
// paragraph, half of it distinct long words from the list: more distinct
// compounds than a real page has.
func page(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile(wordList)
	if err != nil {
		tb.Fatalf("%v\nInstall the word list with `apt-get install -y wngerman`.", err)
	}
	var b strings.Builder
	for i, w := range strings.Fields(string(data)) {
		if i%101 == 0 && len(w) >= 10 {
			b.WriteString(w + " ")
		}
		if b.Len() > 10000 {
			break
		}
	}
	const para = "Die Straßenverkehrsbehörde prüft den Bauantrag im Vergabeverfahren nach der Verwaltungsvorschrift. " +
		"Für die Personalratsbeteiligung ist der Dienstreiseantrag rechtzeitig einzureichen; die Haushaltsmittel " +
		"werden mit dem Zuwendungsbescheid bewilligt. Eine Datenschutzfolgenabschätzung ist nötig, wenn personenbezogene " +
		"Daten verarbeitet werden. Barrierefreiheit gilt für alle Informationsangebote der Gemeindeverwaltung. "
	b.WriteString(strings.Repeat(para, 10000/len(para)+1))
	return b.String()
}

// TestCompoundsSpeed keeps Compounds fast enough to run whenever a page is
// indexed: a 20 KB page within a few milliseconds (generous under -race).
func TestCompoundsSpeed(t *testing.T) {
	s := splitter(t)
	p := page(t)
	start := time.Now()
	s.Compounds(p)
	d := time.Since(start)
	t.Logf("Compounds of a %d-byte page: %v", len(p), d)
	if d > 200*time.Millisecond {
		t.Errorf("Compounds of a %d-byte page took %v", len(p), d)
	}
}

// TestMemory reports what the loaded word list costs.
func TestMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := Load(wordList)
	if err != nil {
		t.Fatalf("%v\nInstall the word list with `apt-get install -y wngerman`.", err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	size := len(s.blob) + 4*len(s.slots)
	fi, _ := os.Stat(wordList)
	t.Logf("%d words kept of a %d-byte list; Splitter holds %.1f MB (words %.1f MB, hash set %.1f MB); heap grew by %.1f MB",
		s.Len(), fi.Size(), mb(size), mb(len(s.blob)), mb(4*len(s.slots)), mb(int(after.HeapAlloc)-int(before.HeapAlloc)))
	if size > 16<<20 {
		t.Errorf("the Splitter holds %.1f MB, want at most 16 MB", mb(size))
	}
	runtime.KeepAlive(s)
}

func mb(n int) float64 { return float64(n) / (1 << 20) }

func BenchmarkCompounds(b *testing.B) {
	s := splitter(b)
	p := page(b)
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		s.Compounds(p)
	}
}

func BenchmarkSplit(b *testing.B) {
	s := splitter(b)
	for b.Loop() {
		s.Split("Straßenverkehrsbehörde")
	}
}

func BenchmarkLoad(b *testing.B) {
	splitter(b) // fails clearly when the list is missing
	for b.Loop() {
		if _, err := Load(wordList); err != nil {
			b.Fatal(err)
		}
	}
}
