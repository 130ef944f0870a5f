package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"testing"
)

// A profile photo straight from a camera is larger than a form's 1 MiB:
// the body limit must let it through to the photo handler, which has its
// own limit and answers in words.
func TestProfilePhotoLargerThanAFormIsAccepted(t *testing.T) {
	p := makePerson(t, makeAgency(t), false)
	b := newBrowser(t, startServer(t))
	b.signIn(p.Email, p.Password)
	b.get("/profil")

	// Noise does not compress: 1000×800 RGBA is about 3 MB as PNG.
	img := image.NewRGBA(image.Rect(0, 0, 1000, 800))
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rnd.IntN(256))
	}
	img.Set(0, 0, color.RGBA{A: 255})
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	if pic.Len() < 2<<20 {
		t.Fatalf("the test photo has only %d bytes", pic.Len())
	}
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	form.WriteField("csrf_token", b.csrf)
	part, _ := form.CreateFormFile("photo", "kamera.png")
	part.Write(pic.Bytes())
	form.Close()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/profil/foto", &body)
	req.Header.Set("Content-Type", form.FormDataContentType())
	if resp, page := b.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a %d-byte photo: %d\n%.500s", pic.Len(), resp.StatusCode, page)
	}
	if resp, _ := b.get("/personen/" + p.Handle + "/foto"); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo after upload: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
