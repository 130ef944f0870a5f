package dataset

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The vocabulary of German public administration the texts are drawn
// from. Common words are plain nouns, verbs and adjectives; the long tail
// is compounds of a stem and a head, as German forms them, so that search
// terms range from words on most pages to words on a handful.
var (
	baseNouns = strings.Fields(`Antrag Bescheid Widerspruch Widerspruchsverfahren Gebührenordnung Baugenehmigung
		Datenschutzfolgenabschätzung Haushaltsplan Vergabeverfahren Dienstreise Personalrat Verwaltung Behörde Amt Referat
		Abteilung Sachgebiet Dezernat Landrat Bürgermeister Kreistag Stadtrat Gemeinderat Ministerium Erlass Verordnung Gesetz
		Satzung Richtlinie Vorschrift Verwaltungsvorschrift Zuständigkeit Frist Fristverlängerung Anhörung Akteneinsicht Akte
		Aktenzeichen Vorgang Vermerk Verfügung Schriftgut Posteingang Postausgang Unterschrift Zeichnungsbefugnis Vertretung
		Urlaub Sonderurlaub Arbeitszeit Gleitzeit Telearbeit Homeoffice Dienstvereinbarung Personalakte Beurteilung Beförderung
		Stellenplan Stellenausschreibung Bewerbung Auswahlverfahren Einstellung Probezeit Ausbildung Fortbildung Qualifizierung
		Schulung Haushalt Haushaltsjahr Haushaltsmittel Verpflichtungsermächtigung Ausgabe Einnahme Zahlung Rechnung Kasse
		Buchung Beleg Kostenstelle Kostenträger Budget Zuwendung Zuwendungsbescheid Verwendungsnachweis Fördermittel Förderantrag
		Beschaffung Ausschreibung Angebot Zuschlag Auftrag Auftragswert Schwellenwert Rahmenvertrag Leistungsbeschreibung
		Eignungsprüfung Vergabevermerk Bieter Nachprüfung Datenschutz Datensicherheit Informationssicherheit Verarbeitungsverzeichnis
		Auftragsverarbeitung Einwilligung Löschkonzept Auskunftsersuchen Datenpanne Datenschutzbeauftragte Sicherheitskonzept
		Notfallkonzept Berechtigungskonzept Passwort Zugang Schnittstelle Fachverfahren Software Anwendung Server Netzwerk
		Digitalisierung Onlinezugangsgesetz Portal Nutzerkonto Formular Onlineformular Signatur Siegel Zustellung Postfach
		Bauantrag Bauvoranfrage Bebauungsplan Flächennutzungsplan Baulast Abstandsfläche Stellplatz Nutzungsänderung Abrissgenehmigung
		Denkmalschutz Naturschutz Umweltprüfung Immissionsschutz Lärmschutz Wasserrecht Abfallrecht Gewerbeanmeldung
		Gaststättenerlaubnis Sondernutzung Straßenreinigung Winterdienst Friedhof Feuerwehr Rettungsdienst Katastrophenschutz
		Ordnungswidrigkeit Bußgeld Verwarnung Vollstreckung Mahnung Stundung Erlass Niederschlagung Ratenzahlung Säumniszuschlag
		Meldebescheinigung Personalausweis Reisepass Führungszeugnis Geburtsurkunde Eheschließung Staatsangehörigkeit Aufenthaltstitel
		Einbürgerung Wohngeld Elterngeld Kindergeld Unterhaltsvorschuss Sozialhilfe Grundsicherung Eingliederungshilfe Pflegegeld
		Jugendhilfe Kindertagesstätte Schulträger Schülerbeförderung Bildungspaket Integrationskurs Sprachkurs Beratungsstelle
		Sitzung Tagesordnung Niederschrift Beschluss Beschlussvorlage Ausschuss Fraktion Anfrage Stellungnahme Bericht Statistik
		Kennzahl Controlling Evaluation Organisationsuntersuchung Geschäftsverteilungsplan Geschäftsordnung Dienstanweisung
		Arbeitsschutz Gefährdungsbeurteilung Betriebsarzt Arbeitsunfall Gesundheitsmanagement Wiedereingliederung Schwerbehinderung
		Gleichstellung Gleichstellungsbeauftragte Barrierefreiheit Leichte Sprache Beschwerde Petition Bürgeranfrage Bürgerbüro
		Öffentlichkeitsarbeit Pressemitteilung Informationsfreiheit Transparenz Archivierung Aufbewahrungsfrist Registratur
		E-Akte Dokumentenmanagement Workflow Mitzeichnung Schlusszeichnung Wiedervorlage Termin Besprechung Projekt Projektplan
		Meilenstein Lenkungsausschuss Anforderung Pflichtenheft Lastenheft Abnahme Einführung Migration Betrieb Wartung Störung
		Dienstwagen Fahrtenbuch Reisekosten Tagegeld Übernachtung Fahrkarte Erstattung Trennungsgeld Umzugskosten Beihilfe
		Versorgung Ruhestand Teilzeit Elternzeit Mutterschutz Jubiläum Nebentätigkeit Dienstunfall Disziplinarverfahren Korruption
		Prävention Compliance Innenrevision Rechnungsprüfung Prüfbericht Prüfungsamt Rechnungshof Haushaltsrecht Steuer Grundsteuer
		Gewerbesteuer Hundesteuer Vergnügungssteuer Zweitwohnungsteuer Kommunalabgaben Beitrag Erschließungsbeitrag Benutzungsgebühr
		Verwaltungsgebühr Gebührenbescheid Kostenbescheid Festsetzung Veranlagung Rückforderung Rechtsbehelf Klage Verwaltungsgericht
		Rechtsamt Justiziariat Vertrag Kooperationsvereinbarung Amtshilfe Mitwirkung Beteiligung Bürgerbeteiligung Planfeststellung`)

	verbs = strings.Fields(`beantragen bearbeiten prüfen genehmigen ablehnen erteilen erlassen festsetzen erstatten zahlen buchen
		anordnen vorlegen einreichen nachweisen bestätigen unterschreiben zeichnen mitzeichnen weiterleiten zuleiten abstimmen
		beteiligen informieren dokumentieren archivieren löschen speichern übermitteln veröffentlichen ausschreiben vergeben
		beauftragen abrechnen erfassen melden anzeigen widersprechen anhören entscheiden begründen zustellen befristen verlängern
		anpassen aktualisieren überarbeiten ergänzen einführen umsetzen planen vorbereiten durchführen auswerten berichten beraten
		klären regeln sicherstellen beachten berücksichtigen einhalten vermeiden verhindern gewährleisten ermöglichen unterstützen
		benennen bestellen vertreten übernehmen abgeben zuweisen freigeben sperren einrichten ändern`)

	adjectives = strings.Fields(`zuständig erforderlich rechtzeitig vollständig schriftlich elektronisch digital persönlich dienstlich
		öffentlich vertraulich befristet unbefristet zulässig unzulässig verbindlich vorläufig endgültig fristgerecht formlos
		gebührenpflichtig gebührenfrei kostenlos anerkannt wirksam rechtskräftig sachlich fachlich haushaltsrechtlich vergaberechtlich
		datenschutzrechtlich organisatorisch technisch personell finanziell kommunal regional landesweit bundesweit intern extern
		neu aktuell bisherig jährlich monatlich wöchentlich regelmäßig besonders wesentlich wichtig einheitlich entsprechend
		zusätzlich gesondert unverzüglich ausreichend angemessen wirtschaftlich sparsam barrierefrei sicher geeignet`)

	functionWords = strings.Fields(`der die das den dem des ein eine einen einem einer eines und oder aber sowie bzw. auch nur noch
		schon bereits nicht kein keine in im ins an am auf aus bei beim mit nach seit von vom vor zu zum zur über unter durch für gegen
		ohne um bis ab innerhalb außerhalb gemäß nach laut wegen während ist sind wird werden wurde wurden kann können muss müssen
		soll sollen darf dürfen hat haben ist sein es sie er wir man diese dieser dieses jede jeder jedes alle hier dort dann wenn
		dass ob weil damit sofern soweit sowohl als wie zudem insbesondere grundsätzlich ggf. z.B. etwa mindestens höchstens`)

	// Compounds are a stem (with its linking element) and a head.
	stems = strings.Fields(`Bau Haushalts Vergabe Gebühren Personal Daten Verwaltungs Sozial Umwelt Verkehrs Schul Steuer Melde
		Ausländer Wohngeld Beihilfe Reisekosten Dienst Arbeits Gesundheits Bildungs Förder Zuwendungs Rechnungs Kassen Beschaffungs
		Informations Sicherheits Planungs Genehmigungs Prüfungs Ausbildungs Fortbildungs Urlaubs Eltern Kinder Jugend Familien
		Senioren Integrations Wirtschafts Gewerbe Bürger Landes Bundes Kommunal Kreis Stadt Gemeinde Bezirks Amts Akten Dokumenten
		Archiv Register Standes Pass Ausweis Kfz Grundstücks Wasser Abfall Energie Klima Naturschutz Denkmal Brandschutz
		Katastrophenschutz Ordnungs Polizei Justiz Vollstreckungs Mahn Bußgeld Datenschutz Friedhofs Straßen Jagd`)
	// Stems of the rare compounds, each of which appears on a handful of
	// pages only.
	rareStems = strings.Fields(`Hochbau Tiefbau Straßenbau Brücken Hafen Flughafen Forst Fischerei Weinbau Bergbau Vermessungs
		Kataster Liegenschafts Wahl Wahlhelfer Zensus Lotterie Glücksspiel Tierschutz Veterinär Lebensmittel Trinkwasser Abwasser
		Hochwasser Deich Lawinen Tunnel Seilbahn Schornsteinfeger Handwerks Kammer Stiftungs Vereins Sparkassen Zoll Munitions
		Waffen Sprengstoff Feuerwerks Kampfmittel Bestattungs Obdachlosen Flüchtlings Rundfunk Film Museums Bibliotheks Theater
		Orchester Sportstätten Schwimmbad Spielplatz Kleingarten Baumschutz Grünflächen Markt Kirmes`)
	heads = strings.Fields(`Antrag Bescheid Verfahren Ordnung Gesetz Verordnung Richtlinie Plan Stelle Amt Behörde Recht Frist
		Kosten Gebühr Vorschrift Prüfung Bericht Konzept Vermerk Formular Register Akte Vorgang Verfügung Erlass Satzung Vertrag
		Vereinbarung Zuständigkeit Leitfaden Verzeichnis Beauftragte Kommission Ausschuss Sitzung Protokoll Beschluss Mittel
		Aufsicht Kontrolle Statistik System Portal Schulung Beratung Angelegenheit Referat Team Projekt Planung Maßnahme Förderung
		Nachweis Bestätigung Erklärung Meldung Anzeige Auskunft Genehmigung Erlaubnis Pauschale Verwaltung`)
)

// vocabulary is the word list with Zipf-like sampling weights.
type vocabulary struct {
	words   []string  // content words, most frequent first
	rare    []string  // compounds drawn with an even, small chance
	cum     []float64 // cumulative weights of words
	nouns   map[int]bool
	fn      []string
	fnCum   []float64
	isVerb  []bool
	indexOf map[string]int
}

// newVocabulary ranks the simple words before the compounds (each group
// shuffled with the seed) and weights rank r by 1/(r+100)^1.2: the most
// frequent words are on about a quarter of the pages, not on all.
func newVocabulary(rng *rand.Rand) *vocabulary {
	v := &vocabulary{nouns: map[int]bool{}, indexOf: map[string]int{}}
	seen := map[string]bool{}
	var simple, compounds []string
	kind := map[string]byte{}
	add := func(list *[]string, w string, k byte) {
		if !seen[strings.ToLower(w)] {
			seen[strings.ToLower(w)] = true
			*list = append(*list, w)
			kind[w] = k
		}
	}
	for _, w := range baseNouns {
		add(&simple, w, 'n')
	}
	for _, w := range verbs {
		add(&simple, w, 'v')
	}
	for _, w := range adjectives {
		add(&simple, w, 'a')
	}
	for _, s := range stems {
		for _, h := range heads {
			add(&compounds, s+strings.ToLower(h), 'n')
		}
	}
	for _, s := range rareStems {
		for _, h := range heads {
			add(&v.rare, s+strings.ToLower(h), 'n')
		}
	}
	rng.Shuffle(len(v.rare), func(i, j int) { v.rare[i], v.rare[j] = v.rare[j], v.rare[i] })
	rng.Shuffle(len(simple), func(i, j int) { simple[i], simple[j] = simple[j], simple[i] })
	rng.Shuffle(len(compounds), func(i, j int) { compounds[i], compounds[j] = compounds[j], compounds[i] })
	v.words = append(simple, compounds...)
	v.isVerb = make([]bool, len(v.words))
	total := 0.0
	for i, w := range v.words {
		total += math.Pow(float64(i+100), -1.2)
		v.cum = append(v.cum, total)
		v.nouns[i] = kind[w] == 'n'
		v.isVerb[i] = kind[w] == 'v'
		v.indexOf[w] = i
	}
	total = 0
	for i := range functionWords {
		total += 1 / float64(i+2)
		v.fnCum = append(v.fnCum, total)
	}
	return v
}

// word draws a content word's index.
func (v *vocabulary) word(rng *rand.Rand) int {
	x := rng.Float64() * v.cum[len(v.cum)-1]
	return sort.SearchFloat64s(v.cum, x)
}

// noun draws a content word that is a noun.
func (v *vocabulary) noun(rng *rand.Rand) int {
	for {
		if i := v.word(rng); v.nouns[i] {
			return i
		}
	}
}

func (v *vocabulary) function(rng *rand.Rand) string {
	x := rng.Float64() * v.fnCum[len(v.fnCum)-1]
	return functionWords[sort.SearchFloat64s(v.fnCum, x)]
}

// writer builds text from the vocabulary.
type writer struct {
	v     *vocabulary
	rng   *rand.Rand
	b     strings.Builder
	theme []int // words a space uses more often than others
	n     int   // words written
}

func (w *writer) content() string {
	var i int
	switch {
	case w.rng.IntN(200) == 0:
		return w.v.rare[w.rng.IntN(len(w.v.rare))]
	case len(w.theme) > 0 && w.rng.IntN(6) == 0:
		i = w.theme[w.rng.IntN(len(w.theme))]
	default:
		i = w.v.word(w.rng)
	}
	return w.v.words[i]
}

// sentence writes about n words: function and content words in turn,
// ending with a full stop, the first letter capitalised.
func (w *writer) sentence(n int) {
	for k := 0; k < n; k++ {
		word := ""
		if k%2 == 0 && w.rng.IntN(3) > 0 {
			word = w.v.function(w.rng)
		} else {
			word = w.content()
		}
		if k == 0 {
			word = capitalised(word)
		} else {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(word)
		w.n++
	}
	w.b.WriteByte('.')
}

// paragraph writes sentences until about n words are written.
func (w *writer) paragraph(n int) {
	for goal, first := w.n+n, true; w.n < goal; first = false {
		if !first {
			w.b.WriteByte(' ')
		}
		w.sentence(6 + w.rng.IntN(9))
	}
	w.b.WriteString("\n\n")
}

// phrase is a few content words, nouns first, for titles and list items.
func (w *writer) phrase(n int) string {
	parts := make([]string, n)
	for k := range parts {
		i := w.v.noun(w.rng)
		if k > 0 && w.rng.IntN(3) == 0 {
			i = w.v.word(w.rng)
		}
		parts[k] = w.v.words[i]
	}
	w.n += n
	return strings.Join(parts, " ")
}

func (w *writer) take() string {
	s := strings.TrimRight(w.b.String(), " \n") + "\n"
	w.b.Reset()
	w.n = 0
	return s
}

func capitalised(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if unicode.IsUpper(r) || !unicode.IsLetter(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
