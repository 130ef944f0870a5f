package mailthread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestMsgMalformed(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 8192)
	rng.Read(random)
	for name, raw := range map[string][]byte{
		"empty":                  nil,
		"garbage":                []byte("kein Outlook, keine Mail"),
		"magic only":             cfbMagic,
		"random after the magic": append(append([]byte(nil), cfbMagic...), random...),
		"compound file without message properties": writeCompound([]*cfbNode{
			{name: "WordDocument", data: bytes.Repeat([]byte{1}, 600)},
		}),
	} {
		start := time.Now()
		if _, err := ParseMsg(raw); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}

// TestMsgTruncated cuts a message with a large attachment at every 64th
// byte: the result is ErrMalformed, or the whole thread when only padding
// was cut.
func TestMsgTruncated(t *testing.T) {
	m := germanReply()
	m.Attach = []attachSpec{{Name: "Antrag.pdf", Data: bytes.Repeat([]byte("%PDF"), 2000)}, {Msg: &msgSpec{Body: "Innen"}}}
	raw := m.file()
	full, err := ParseMsg(raw)
	if err != nil {
		t.Fatal(err)
	}
	malformed := 0
	for n := 0; n < len(raw); n += 64 {
		th, err := ParseMsg(raw[:n])
		switch {
		case errors.Is(err, ErrMalformed):
			malformed++
		case err != nil:
			t.Fatalf("cut at %d: %v", n, err)
		default:
			if d := threadDiff(th, full); len(d) > 0 {
				t.Fatalf("cut at %d of %d read without error, but differs: %s", n, len(raw), strings.Join(d, "; "))
			}
		}
	}
	if malformed == 0 {
		t.Errorf("no cut gave ErrMalformed")
	}
}

// TestMsgStreamLargerThanFile: a directory entry that claims a stream
// larger than the file fails before anything is allocated for it.
func TestMsgStreamLargerThanFile(t *testing.T) {
	raw := (&msgSpec{Subject: "x", Body: "Text"}).file()
	// The first directory sector follows the one FAT sector.
	dir := raw[2*cfbSector : 3*cfbSector]
	patched := false
	for i := 0; i < cfbDirPerSect; i++ {
		d := dir[128*i:]
		if d[66] == 2 {
			binary.LittleEndian.PutUint32(d[120:], 0x7FFFFFF0)
			patched = true
			break
		}
	}
	if !patched {
		t.Fatal("no stream in the first directory sector")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := ParseMsg(raw); !errors.Is(err, ErrMalformed) {
		t.Errorf("%v, want ErrMalformed", err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("%d bytes allocated for a file of %d", n, len(raw))
	}
}

func TestMsgLimits(t *testing.T) {
	raw := germanReply().file()
	if _, err := ParseMsgWith(raw, Options{MaxBytes: len(raw) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size limit: %v, want ErrTooLarge", err)
	}
	if _, err := ParseMsgWith(raw, Options{MaxMessages: 2}); !errors.Is(err, ErrTooManyMessages) {
		t.Errorf("2-message limit: %v, want ErrTooManyMessages", err)
	}
	if _, err := ParseMsgWith(raw, Options{MaxMessages: 3, MaxBytes: len(raw)}); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	long := (&msgSpec{Body: strings.Repeat("x", maxTextBytes+1)}).file()
	if _, err := ParseMsg(long); !errors.Is(err, ErrTooLarge) {
		t.Errorf("long text: %v, want ErrTooLarge", err)
	}
	many := &msgSpec{Body: "Anlagen"}
	for i := 0; i <= maxParts; i++ {
		many.Attach = append(many.Attach, attachSpec{Name: "a.txt", Data: []byte("a")})
	}
	if _, err := ParseMsg(many.file()); !errors.Is(err, ErrMalformed) {
		t.Errorf("%d attachments: %v, want ErrMalformed", len(many.Attach), err)
	}
}

func TestParseFileByContent(t *testing.T) {
	eml, err := os.ReadFile(filepath.Join("testdata", "01_outlook_de_reply.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msg := germanReply().file()
	for _, c := range []struct {
		name string
		raw  []byte
		from string
	}{
		{"Anfrage.msg", msg, "Beispiel, Jonas"},
		{"Anfrage.eml", msg, "Beispiel, Jonas"},
		{"Anfrage.msg", eml, "Beispiel, Jonas"},
		{"Anfrage", eml, "Beispiel, Jonas"},
	} {
		th, err := ParseFile(c.name, c.raw)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(th.Messages) != 3 || th.Messages[0].FromName != c.from {
			t.Errorf("%s: %+v", c.name, th.Messages)
		}
	}
	if _, err := ParseFile("Anfrage.msg", msg[:1000]); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "Anfrage.msg") {
		t.Errorf("truncated: %v, want ErrMalformed naming the file", err)
	}
}

func FuzzParseMsg(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for i, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(specFromEML(f, raw, i%2 == 0).file())
	}
	f.Add(germanReply().file())
	f.Fuzz(func(t *testing.T, raw []byte) {
		th, err := ParseMsgWith(raw, Options{MaxBytes: 1 << 20})
		if err == nil && len(th.Messages) > DefaultMaxMessages {
			t.Errorf("%d messages", len(th.Messages))
		}
	})
}

// TestMsgMutations damages sound files the way broken uploads and crafted
// files do: bytes and sector numbers overwritten, cuts, insertions. Every
// result is a thread or one of the package's errors, quickly.
func TestMsgMutations(t *testing.T) {
	seeds := [][]byte{germanReply().file()}
	for _, name := range []string{"16_attachment.eml", "22_forward_as_attachment.eml", "14_html_only.eml"} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, specFromEML(t, raw, true).file())
	}
	rng := rand.New(rand.NewSource(9))
	start := time.Now()
	for i := 0; i < 3000; i++ {
		b := append([]byte(nil), seeds[rng.Intn(len(seeds))]...)
		for k := 0; k < 1+rng.Intn(8); k++ {
			p := rng.Intn(len(b) - 4)
			switch rng.Intn(4) {
			case 0:
				b[p] = byte(rng.Intn(256))
			case 1:
				v := []uint32{0, 1, cfbFree, cfbEnd, 0x7FFFFFFF, uint32(rng.Intn(64))}[rng.Intn(6)]
				binary.LittleEndian.PutUint32(b[p:], v)
			case 2:
				b = b[:max(p, 16)]
			case 3:
				b = append(b[:p], append(make([]byte, rng.Intn(100)), b[p:]...)...)
			}
		}
		_, err := ParseMsgWith(b, Options{MaxBytes: 1 << 20})
		if err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrTooManyMessages) {
			t.Fatalf("mutation %d: %v", i, err)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("3000 damaged files took %v", d)
	}
}
