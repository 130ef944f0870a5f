package main

import (
	"os/exec"
	"strings"
	"testing"
)

// swaks sends raw through the listener at addr as a mail server would,
// with swaks (Debian; the test scripts install it), and returns its
// transcript. A missing swaks fails the test: it is no optional check.
func swaks(t *testing.T, addr, from, to, raw string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("swaks")
	if err != nil {
		t.Fatal("swaks not found: run tests through scripts/with-services.sh or make test, which install it (apt-get install swaks)")
	}
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(bin, "--server", host, "--port", port, "--from", from, "--to", to, "--data", "-", "--hide-informational")
	cmd.Stdin = strings.NewReader(raw)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// A person answers a watched question on the page; the asker gets the
// notification by mail, replies from their mail program, and the reply
// shows on the question's page. The same reply from an address Fachnetz
// does not know publishes nothing.
func TestReplyByMailEndToEnd(t *testing.T) {
	w := newReplyWorld(t)
	w.answer(t, w.expert, "Einen Tag Sonderurlaub, nach § 29 TVöD.")
	note, replyTo := w.notification(t, w.asker, 1)

	unknown := mailAddress("unbekannt")
	foreign := "Diese Antwort kommt von einer unbekannten Adresse."
	if out, err := swaks(t, w.smtp, unknown, replyTo, replyMail(unknown, replyTo, unique("fremd")+"@example.org", foreign, note)); err != nil {
		t.Fatalf("swaks from an unknown address: %v\n%s", err, out)
	}
	text := "Vielen Dank, dann beantrage ich den Tag gleich."
	if out, err := swaks(t, w.smtp, w.asker.Email, replyTo, replyMail(w.asker.Email, replyTo, unique("antwort")+"@mail.example.org", text, note)); err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}

	resp, page := adminBrowser(t, w.base, w.asker).get("/fragen/" + w.question)
	wantStatus(t, "question page", resp, 200)
	wantBody(t, "question page", page, text)
	for _, never := range []string{foreign, "Mit freundlichen Grüßen", "schrieb Fachnetz", "Tel.: 030"} {
		if strings.Contains(page, never) {
			t.Errorf("the question page shows %q", never)
		}
	}
	if answers, _ := w.thread(t); len(answers) != 2 {
		t.Errorf("%d answers, want the expert's and the reply", len(answers))
	}
	waitFor(t, func() bool { return len(w.mp.to(t, unknown)) == 1 }, "the explanation to the unknown address")
}
