package expertise

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fachnetz/fachnetz/server/web"
)

// testImage is a w × h picture with a gradient, so that scaling has
// something to do.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	return img
}

// pngWithText is a PNG carrying a tEXt chunk with text, right after IHDR.
func pngWithText(t *testing.T, w, h int, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, length, type, IHDR data, CRC
	body := append([]byte("tEXt"), []byte("Comment\x00"+text)...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)-4))
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
	return append(append(append([]byte{}, data[:ihdrEnd]...), chunk...), data[ihdrEnd:]...)
}

// jpegWithExif is a JPEG carrying an EXIF APP1 segment with text, right
// after the start-of-image marker.
func jpegWithExif(t *testing.T, w, h int, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), []byte(text)...)
	seg := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(payload)+2))...)
	seg = append(seg, payload...)
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

func uploadPhoto(t *testing.T, r http.Handler, who *web.Viewer, filename string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", "token")
	fw, err := mw.CreateFormFile("photo", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", "/profil/foto", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Test-Viewer", strconv.FormatInt(who.ID, 10))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func storedPhoto(t *testing.T, accountID int64) []byte {
	t.Helper()
	var content []byte
	db.Pool.QueryRow(context.Background(), `SELECT content FROM profile_photos WHERE account_id = $1`, accountID).Scan(&content)
	return content
}

// checkCleanJPEG fails unless data is a JPEG of w × h pixels without an
// EXIF segment and without marker anywhere.
func checkCleanJPEG(t *testing.T, data []byte, w, h int, marker string) {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width != w || cfg.Height != h {
		t.Fatalf("stored photo: %s %dx%d %v, want jpeg %dx%d", format, cfg.Width, cfg.Height, err, w, h)
	}
	if bytes.Contains(data, []byte(marker)) || bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte{0xFF, 0xE1}) {
		t.Fatal("stored photo keeps the upload's metadata")
	}
}

func TestPhotoIsReencodedWithoutMetadata(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	r := f.engine()
	ana := f.person(f.agency, "Ana Foto")

	const pngMarker = "GPSLatitude 52.5163 Geheimer Ort"
	w := uploadPhoto(t, r, ana, "urlaub.png", pngWithText(t, 800, 600, pngMarker))
	expect(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/profil?ok=foto#foto" {
		t.Fatalf("Location = %q", loc)
	}
	checkCleanJPEG(t, storedPhoto(t, ana.ID), 400, 300, pngMarker)

	const exifMarker = "Canon EOS GPS 13.3777 Geheim"
	expect(t, uploadPhoto(t, r, ana, "portrait.jpg", jpegWithExif(t, 300, 900, exifMarker)), http.StatusSeeOther)
	checkCleanJPEG(t, storedPhoto(t, ana.ID), 133, 400, exifMarker)

	// A small photo keeps its size.
	expect(t, uploadPhoto(t, r, ana, "klein.png", pngWithText(t, 40, 30, pngMarker)), http.StatusSeeOther)
	saved := storedPhoto(t, ana.ID)
	checkCleanJPEG(t, saved, 40, 30, pngMarker)

	// Refused uploads answer 422 with a message and keep the saved photo.
	for _, c := range []struct {
		name    string
		data    []byte
		message string
	}{
		{"notizen.txt", []byte("Das ist kein Bild, sondern Text.\n"), "kein JPEG- oder PNG-Bild"},
		{"falsch.png", []byte("\x89PNG\r\n\x1a\n kaputt"), "lässt sich nicht lesen"},
		{"gross.jpg", append(jpegWithExif(t, 10, 10, ""), make([]byte, 6<<20)...), "höchstens 5 MB"},
		{"leer.png", nil, "Bitte wählen Sie ein Foto aus"},
	} {
		w := uploadPhoto(t, r, ana, c.name, c.data)
		expect(t, w, http.StatusUnprocessableEntity, c.message, `aria-invalid="true"`, `href="#f-photo"`, "Mein Profil")
		if !bytes.Equal(storedPhoto(t, ana.ID), saved) {
			t.Fatalf("%s changed the saved photo", c.name)
		}
	}
	// Shown on the own profile page, the person page and in the directory.
	p, _ := f.e.store.ProfileByID(context.Background(), db.Pool, ana.ID)
	if !strings.HasPrefix(p.PhotoURL, "/personen/"+ana.Handle+"/foto?v=") {
		t.Fatalf("photo URL %q", p.PhotoURL)
	}
	src := strings.ReplaceAll(p.PhotoURL, "&", "&amp;")
	expect(t, do(r, ana, "GET", "/profil", nil), http.StatusOK, `src="`+src+`"`, "Foto entfernen")
	expect(t, do(r, ana, "GET", "/personen/"+ana.Handle, nil), http.StatusOK, `src="`+src+`" alt=""`)
	expect(t, do(r, ana, "GET", "/personen", nil), http.StatusOK, `src="`+src+`"`)
	expect(t, do(r, ana, "GET", "/api/v1/people/"+ana.Handle, nil), http.StatusOK, `"photo_url":"`+p.PhotoURL+`"`)
	expect(t, do(r, ana, "GET", "/api/v1/people", nil), http.StatusOK, `"photo_url":"`+p.PhotoURL+`"`)

	// Removed: gone everywhere, and nothing is shown in its place.
	expect(t, do(r, ana, "POST", "/profil/foto/entfernen", url.Values{}), http.StatusSeeOther)
	if storedPhoto(t, ana.ID) != nil {
		t.Fatal("photo still stored after removal")
	}
	expect(t, do(r, ana, "GET", "/personen/"+ana.Handle+"/foto", nil), http.StatusNotFound)
	w = do(r, ana, "GET", "/personen/"+ana.Handle, nil)
	expect(t, w, http.StatusOK)
	lacks(t, w, "<img")
	expect(t, do(r, ana, "GET", "/api/v1/people/"+ana.Handle, nil), http.StatusOK, `"photo_url":""`)
	lacks(t, do(r, ana, "GET", "/api/v1/people", nil), "/foto?v=")
	expect(t, do(r, ana, "GET", "/profil", nil), http.StatusOK, "kein Foto hinterlegt")
}

func TestPhotoFollowsProfileVisibility(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Deps{})
	r := f.engine()
	bea := f.person(f.agency, "Bea Bild")
	colleague := f.person(f.agency, "Carl")
	admin := f.person(f.newAgency(), "Admin")
	admin.Admin = true
	stranger := f.person(f.newAgency(), "Dora Fremd")
	photoURL := "/personen/" + bea.Handle + "/foto"

	expect(t, do(r, colleague, "GET", photoURL, nil), http.StatusNotFound)
	expect(t, uploadPhoto(t, r, bea, "bea.jpg", jpegWithExif(t, 64, 64, "x")), http.StatusSeeOther)

	for _, v := range []*web.Viewer{bea, colleague, admin} {
		w := do(r, v, "GET", photoURL+"?v=1", nil)
		expect(t, w, http.StatusOK)
		for k, want := range map[string]string{"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"} {
			if got := w.Header().Get(k); got != want {
				t.Fatalf("%s = %q, want %q", k, got, want)
			}
		}
		if !bytes.Equal(w.Body.Bytes(), storedPhoto(t, bea.ID)) {
			t.Fatal("served bytes differ from the stored photo")
		}
	}
	expect(t, do(r, stranger, "GET", photoURL, nil), http.StatusNotFound)

	expect(t, do(r, bea, "POST", "/profil/sichtbarkeit", url.Values{"hidden": {"true"}}), http.StatusSeeOther)
	expect(t, do(r, colleague, "GET", photoURL, nil), http.StatusNotFound)
	expect(t, do(r, admin, "GET", photoURL, nil), http.StatusNotFound)
	expect(t, do(r, stranger, "GET", photoURL, nil), http.StatusNotFound)
	expect(t, do(r, bea, "GET", photoURL, nil), http.StatusOK)
	expect(t, do(r, colleague, "GET", "/personen/nobody-here/foto", nil), http.StatusNotFound)
}

// A phone's portrait is stored as landscape pixels with an EXIF
// orientation; the stored photo stands upright without the tag.
func TestPhotoIsTurnedUpright(t *testing.T) {
	// 300×100, red above and blue below; orientation 6 says "turn
	// clockwise", which puts the top (red) on the right.
	img := image.NewRGBA(image.Rect(0, 0, 300, 100))
	for y := range 100 {
		for x := range 300 {
			c := color.RGBA{220, 0, 0, 255}
			if y >= 50 {
				c = color.RGBA{0, 0, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	// EXIF: a big-endian TIFF header and one IFD with one entry,
	// Orientation (0x0112), SHORT, count 1, value 6.
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	tiff = append(tiff, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00)
	tiff = append(tiff, 0x00, 0x00, 0x00, 0x00)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(payload)+2))...)
	seg = append(seg, payload...)
	data := append(append(append([]byte{}, buf.Bytes()[:2]...), seg...), buf.Bytes()[2:]...)

	out, err := preparePhoto(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := got.Bounds(); b.Dx() != 100 || b.Dy() != 300 {
		t.Fatalf("stored %d×%d, want the portrait 100×300", b.Dx(), b.Dy())
	}
	right, _, _, _ := got.At(90, 150).RGBA()
	_, _, left, _ := got.At(10, 150).RGBA()
	if right>>8 < 150 || left>>8 < 150 {
		t.Fatalf("not turned clockwise: right red %d, left blue %d", right>>8, left>>8)
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Fatal("the orientation tag survived")
	}
}
